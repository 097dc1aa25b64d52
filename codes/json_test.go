package codes

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameCode checks that two mappings are the same code.
func sameCode(t *testing.T, a, b Mapping) {
	t.Helper()
	require.Equal(t, reflect.TypeOf(a), reflect.TypeOf(b))
	require.Equal(t, a.Classes(), b.Classes())
	require.Equal(t, a.Sites(), b.Sites())
	for i := range a.Sites() {
		require.Equal(t, a.SiteClasses(i), b.SiteClasses(i))
	}
	step := max(1, a.Classes()/2000)
	for y := 0; y < a.Classes(); y += step {
		require.Equal(t, mustEncode(t, a, y), mustEncode(t, b, y), "label %d", y)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, K := range []int{2, 1000, 100_000} {
		for _, nm := range mappingsFor(t, K) {
			data, err := Marshal(nm.m)
			require.NoError(t, err, nm.name)
			back, err := Unmarshal(data)
			require.NoError(t, err, nm.name)
			sameCode(t, nm.m, back)
			// Stable: marshalling again gives the same bytes.
			again, err := Marshal(back)
			require.NoError(t, err)
			require.Equal(t, string(data), string(again))
			// json.Marshal of the interface uses MarshalJSON, and the
			// concrete type's UnmarshalJSON reads it back.
			viaJSON, err := json.Marshal(nm.m)
			require.NoError(t, err)
			require.JSONEq(t, string(data), string(viaJSON))
			fresh := reflect.New(reflect.TypeOf(nm.m).Elem()).Interface()
			require.NoError(t, json.Unmarshal(data, fresh), nm.name)
			sameCode(t, nm.m, fresh.(Mapping))
		}
	}
	rb, _ := NewRandomBinary(20, 70, 12345678901234567890)
	back, err := Unmarshal(must(Marshal(rb)))
	require.NoError(t, err)
	assert.Equal(t, uint64(12345678901234567890), back.(*RandomBinary).Seed())
	d, err := back.Decode(mustEncode(t, rb, 13))
	require.NoError(t, err)
	assert.Equal(t, 13, d, "the index is rebuilt on load")
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestMarshalFormat(t *testing.T) {
	pr, _ := NewPrimeResidue(20000, []int{31, 37, 41})
	assert.JSONEq(t, `{"kind":"prime_residue","classes":20000,"primes":[31,37,41]}`, string(must(Marshal(pr))))
	rs, _ := NewReedSolomon(1000, 37, 5)
	assert.JSONEq(t, `{"kind":"reed_solomon","classes":1000,"prime":37,"sites":5}`, string(must(Marshal(rs))))
	oh, _ := NewOneHot(10)
	assert.JSONEq(t, `{"kind":"one_hot","classes":10}`, string(must(Marshal(oh))))
	b, _ := NewBinary(10)
	assert.JSONEq(t, `{"kind":"binary","classes":10}`, string(must(Marshal(b))))
	rb, _ := NewRandomBinary(2, 3, 7)
	var e map[string]any
	require.NoError(t, json.Unmarshal(must(Marshal(rb)), &e))
	raw, err := base64.StdEncoding.DecodeString(e["rows"].(string))
	require.NoError(t, err)
	require.Len(t, raw, 16, "two rows of one little-endian word")
	for y := range 2 {
		code := mustEncode(t, rb, y)
		for i, s := range code {
			require.Equal(t, s, int(raw[8*y]>>i&1))
		}
	}

	// A struct that embeds a mapping.
	type model struct {
		Name    string          `json:"name"`
		Mapping json.RawMessage `json:"mapping"`
	}
	out, err := json.Marshal(struct {
		Name    string  `json:"name"`
		Mapping Mapping `json:"mapping"`
	}{"m", pr})
	require.NoError(t, err)
	var in model
	require.NoError(t, json.Unmarshal(out, &in))
	back, err := Unmarshal(in.Mapping)
	require.NoError(t, err)
	sameCode(t, pr, back)
}

type foreign struct{ *OneHot }

func TestMarshalUnknown(t *testing.T) {
	oh, _ := NewOneHot(3)
	_, err := Marshal(foreign{oh})
	assert.ErrorIs(t, err, ErrUnknownKind)
	_, err = Marshal(nil)
	assert.ErrorIs(t, err, ErrUnknownKind)
}

func TestUnmarshalRejects(t *testing.T) {
	rows := func(words ...uint64) string {
		raw := make([]byte, 8*len(words))
		for i, w := range words {
			for b := range 8 {
				raw[8*i+b] = byte(w >> (8 * b))
			}
		}
		return base64.StdEncoding.EncodeToString(raw)
	}
	cases := []struct {
		name, data string
		want       []error
	}{
		{"empty", ``, []error{ErrCorrupt}},
		{"not json", `{"kind":`, []error{ErrCorrupt}},
		{"array", `[1,2]`, []error{ErrCorrupt}},
		{"null", `null`, []error{ErrCorrupt, ErrUnknownKind}},
		{"no kind", `{"classes":10}`, []error{ErrCorrupt, ErrUnknownKind}},
		{"unknown kind", `{"kind":"softmax","classes":10}`, []error{ErrCorrupt, ErrUnknownKind}},
		{"unknown field", `{"kind":"one_hot","classes":10,"temperature":1}`, []error{ErrCorrupt}},
		{"trailing data", `{"kind":"one_hot","classes":10} {}`, []error{ErrCorrupt}},
		{"string classes", `{"kind":"one_hot","classes":"10"}`, []error{ErrCorrupt}},
		{"fractional classes", `{"kind":"one_hot","classes":10.5}`, []error{ErrCorrupt}},
		{"huge classes", `{"kind":"one_hot","classes":1e30}`, []error{ErrCorrupt}},
		{"one class", `{"kind":"one_hot","classes":1}`, []error{ErrCorrupt, ErrTooFewClasses}},
		{"too many classes", `{"kind":"binary","classes":2147483648}`, []error{ErrCorrupt, ErrTooManyClasses}},
		{"one_hot with primes", `{"kind":"one_hot","classes":10,"primes":[11]}`, []error{ErrCorrupt}},
		{"binary with bits", `{"kind":"binary","classes":10,"bits":4}`, []error{ErrCorrupt}},
		{"prime_residue with prime", `{"kind":"prime_residue","classes":10,"primes":[11],"prime":11}`, []error{ErrCorrupt}},
		{"reed_solomon with primes", `{"kind":"reed_solomon","classes":10,"prime":11,"sites":2,"primes":[11]}`, []error{ErrCorrupt}},
		{"not prime", `{"kind":"prime_residue","classes":10,"primes":[9,11]}`, []error{ErrCorrupt, ErrNotPrime}},
		{"repeated prime", `{"kind":"prime_residue","classes":100,"primes":[11,13,11]}`, []error{ErrCorrupt, ErrRepeatedPrime}},
		{"product < K", `{"kind":"prime_residue","classes":1000,"primes":[11,13]}`, []error{ErrCorrupt, ErrNotInjective}},
		{"no primes", `{"kind":"prime_residue","classes":10}`, []error{ErrCorrupt, ErrNotInjective}},
		{"rs p not prime", `{"kind":"reed_solomon","classes":10,"prime":10,"sites":2}`, []error{ErrCorrupt, ErrNotPrime}},
		{"rs no prime", `{"kind":"reed_solomon","classes":10,"sites":2}`, []error{ErrCorrupt, ErrNotPrime}},
		{"rs sites > p", `{"kind":"reed_solomon","classes":10,"prime":11,"sites":12}`, []error{ErrCorrupt, ErrTooManySites}},
		{"rs huge sites", `{"kind":"reed_solomon","classes":10,"prime":2147483647,"sites":100000000}`, []error{ErrCorrupt, ErrTooManySites}},
		{"rs not injective", `{"kind":"reed_solomon","classes":1000,"prime":11,"sites":2}`, []error{ErrCorrupt, ErrNotInjective}},
		{"rb no seed", `{"kind":"random_binary","classes":2,"bits":1,"rows":"` + rows(0, 1) + `"}`, []error{ErrCorrupt}},
		{"rb few bits", `{"kind":"random_binary","classes":3,"bits":1,"seed":0,"rows":"` + rows(0, 1, 1) + `"}`, []error{ErrCorrupt, ErrNotInjective}},
		{"rb short rows", `{"kind":"random_binary","classes":3,"bits":2,"seed":0,"rows":"` + rows(0, 1) + `"}`, []error{ErrCorrupt}},
		{"rb long rows", `{"kind":"random_binary","classes":2,"bits":2,"seed":0,"rows":"` + rows(0, 1, 2) + `"}`, []error{ErrCorrupt}},
		{"rb bad base64", `{"kind":"random_binary","classes":2,"bits":2,"seed":0,"rows":"!!!!!!!!!!!!!!!!!!!!!!!!"}`, []error{ErrCorrupt}},
		{"rb padding bits", `{"kind":"random_binary","classes":2,"bits":2,"seed":0,"rows":"` + rows(0, 4) + `"}`, []error{ErrCorrupt}},
		{"rb repeated row", `{"kind":"random_binary","classes":3,"bits":2,"seed":0,"rows":"` + rows(0, 2, 2) + `"}`, []error{ErrCorrupt, ErrNotInjective}},
		{"rb huge", `{"kind":"random_binary","classes":2000000000,"bits":64,"seed":0,"rows":""}`, []error{ErrCorrupt, ErrTooManyClasses}},
		{"rb big claim, short rows", `{"kind":"random_binary","classes":100000000,"bits":27,"seed":0,"rows":"AAAA"}`, []error{ErrCorrupt}},
	}
	for _, c := range cases {
		m, err := Unmarshal([]byte(c.data))
		require.Error(t, err, c.name)
		assert.Nil(t, m, c.name)
		for _, w := range c.want {
			assert.ErrorIs(t, err, w, c.name)
		}
		assert.True(t, strings.HasPrefix(err.Error(), "codes: Unmarshal: "), "%s: %v", c.name, err)
	}
	// A good random_binary for contrast.
	m, err := Unmarshal([]byte(`{"kind":"random_binary","classes":3,"bits":2,"seed":0,"rows":"` + rows(3, 0, 2) + `"}`))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1}, mustEncode(t, m, 0))
	assert.Equal(t, []int{0, 1}, mustEncode(t, m, 2))

	// Typed UnmarshalJSON checks the kind and leaves the receiver alone on error.
	pr, _ := NewPrimeResidue(100, []int{11, 13})
	before := *pr
	err = json.Unmarshal([]byte(`{"kind":"one_hot","classes":10}`), pr)
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.Equal(t, before, *pr)
	var rs ReedSolomon
	err = json.Unmarshal([]byte(`{"kind":"reed_solomon","classes":10,"prime":10,"sites":2}`), &rs)
	assert.ErrorIs(t, err, ErrNotPrime)
	for _, target := range []any{&OneHot{}, &Binary{}, &RandomBinary{}, &PrimeResidue{}, &ReedSolomon{}} {
		err := json.Unmarshal([]byte(`{"kind":"nope","classes":10}`), target)
		assert.True(t, errors.Is(err, ErrCorrupt), "%T: %v", target, err)
	}
}
