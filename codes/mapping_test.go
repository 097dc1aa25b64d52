package codes

import (
	"errors"
	"fmt"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type namedMapping struct {
	name string
	m    Mapping
}

// mappingsFor returns one mapping of every kind (two Label Mappings of
// each, with k = 2 and 3) for K classes.
func mappingsFor(t testing.TB, K int) []namedMapping {
	t.Helper()
	var out []namedMapping
	add := func(name string, m Mapping, err error) {
		t.Helper()
		require.NoError(t, err, name)
		out = append(out, namedMapping{fmt.Sprintf("%s/K=%d", name, K), m})
	}
	oh, err := NewOneHot(K)
	add("onehot", oh, err)
	b, err := NewBinary(K)
	add("binary", b, err)
	rb, err := NewRandomBinary(K, minBits(K)+10, 7)
	add("randombinary", rb, err)
	rb2, err := NewRandomBinary(K, 70, 8) // two words
	add("randombinary70", rb2, err)
	for _, k := range []int{2, 3} {
		primes, err := ChoosePrimes(K, k+2, k)
		require.NoError(t, err)
		pr, err := NewPrimeResidue(K, primes)
		add(fmt.Sprintf("primeresidue/k=%d", k), pr, err)
		p, err := ChooseField(K, k)
		require.NoError(t, err)
		rs, err := NewReedSolomon(K, p, min(p, k+3))
		add(fmt.Sprintf("reedsolomon/k=%d", k), rs, err)
	}
	return out
}

func TestInjectiveAndRoundTrip(t *testing.T) {
	sizes := []int{2, 3, 63, 64, 65, 1000, 100_000}
	if testing.Short() {
		sizes = []int{2, 3, 63, 64, 65, 5000}
	}
	for _, K := range sizes {
		for _, nm := range mappingsFor(t, K) {
			t.Run(nm.name, func(t *testing.T) {
				m := nm.m
				require.Equal(t, K, m.Classes())
				n := m.Sites()
				seen := make(map[string]int, K)
				var dst []int
				for y := range K {
					var err error
					dst, err = m.Encode(y, dst)
					require.NoError(t, err)
					require.Len(t, dst, n)
					for i, s := range dst {
						if s < 0 || s >= m.SiteClasses(i) {
							t.Fatalf("label %d site %d: symbol %d outside [0, %d)", y, i, s, m.SiteClasses(i))
						}
					}
					k := key(dst)
					if z, dup := seen[k]; dup {
						t.Fatalf("labels %d and %d share the code %v", z, y, dst)
					}
					seen[k] = y
					got, err := m.Decode(dst)
					require.NoError(t, err)
					if got != y {
						t.Fatalf("Decode(Encode(%d)) = %d", y, got)
					}
				}
			})
		}
	}
}

func TestEncodeDst(t *testing.T) {
	for _, nm := range mappingsFor(t, 1000) {
		t.Run(nm.name, func(t *testing.T) {
			m := nm.m
			n := m.Sites()
			want, err := m.Encode(999, nil)
			require.NoError(t, err)
			require.Len(t, want, n)
			short := make([]int, 0, n-1)
			got, err := m.Encode(999, short)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			long := make([]int, n+5)
			got, err = m.Encode(999, long)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Same(t, &long[0], &got[0], "Encode must reuse a long enough dst")

			allocs := testing.AllocsPerRun(100, func() {
				long, _ = m.Encode(123, long)
			})
			assert.Zero(t, allocs, "Encode with a reused dst allocates")
			code, _ := m.Encode(123, nil)
			allocs = testing.AllocsPerRun(100, func() {
				if y, err := m.Decode(code); err != nil || y != 123 {
					panic("decode")
				}
			})
			assert.Zero(t, allocs, "Decode allocates")
		})
	}
}

func TestLabelRange(t *testing.T) {
	for _, nm := range mappingsFor(t, 100) {
		for _, y := range []int{-1, 100, 1 << 40} {
			_, err := nm.m.Encode(y, nil)
			assert.ErrorIs(t, err, ErrLabelRange, "%s label %d", nm.name, y)
		}
	}
}

func TestDecodeSymbolRange(t *testing.T) {
	for _, nm := range mappingsFor(t, 100) {
		m := nm.m
		for i := range m.Sites() {
			for _, bad := range []int{-1, m.SiteClasses(i), 1 << 40} {
				c, _ := m.Encode(42, nil)
				c[i] = bad
				_, err := m.Decode(c)
				assert.ErrorIs(t, err, ErrSymbolRange, "%s site %d symbol %d", nm.name, i, bad)
			}
		}
	}
}

func TestDecodeNotCodeword(t *testing.T) {
	// Binary: 6 classes in 3 bits leave 6 and 7 unused.
	b, _ := NewBinary(6)
	_, err := b.Decode([]int{1, 1, 1})
	assert.ErrorIs(t, err, ErrNotCodeword)
	_, err = b.Decode([]int{0, 1, 1})
	assert.ErrorIs(t, err, ErrNotCodeword)

	// PrimeResidue: residues of 10 with K = 10 and primes 3, 5 (product 15).
	pr, _ := NewPrimeResidue(10, []int{3, 5})
	_, err = pr.Decode([]int{10 % 3, 10 % 5})
	assert.ErrorIs(t, err, ErrNotCodeword)

	// ReedSolomon: one symbol changed is never a codeword (distance n-k+1 >= 2),
	// and an interpolated value >= K is not a label.
	rs, _ := NewReedSolomon(30, 7, 5)
	c, _ := rs.Encode(17, nil)
	c[3] = (c[3] + 1) % 7
	_, err = rs.Decode(c)
	assert.ErrorIs(t, err, ErrNotCodeword)
	_, err = rs.Decode(refRSEncode(7, 2, 5, 48))
	assert.ErrorIs(t, err, ErrNotCodeword)

	// RandomBinary: 2^10 words, 20 rows.
	rb, _ := NewRandomBinary(20, 10, 1)
	table := codeTable(t, rb)
	seen := map[string]bool{}
	for _, c := range table {
		seen[key(c)] = true
	}
	misses := 0
	for v := range 1 << 10 {
		w := make([]int, 10)
		for i := range w {
			w[i] = v >> i & 1
		}
		y, err := rb.Decode(w)
		if seen[key(w)] {
			require.NoError(t, err)
			require.Equal(t, w, table[y])
		} else {
			require.ErrorIs(t, err, ErrNotCodeword)
			misses++
		}
	}
	assert.Equal(t, 1<<10-20, misses)
}

func TestPanics(t *testing.T) {
	for _, nm := range mappingsFor(t, 100) {
		m := nm.m
		assert.Panics(t, func() { _, _ = m.Decode(make([]int, m.Sites()+1)) }, nm.name)
		assert.Panics(t, func() { m.SiteClasses(m.Sites()) }, nm.name)
		assert.Panics(t, func() { m.SiteClasses(-1) }, nm.name)
	}
	pr, _ := NewPrimeResidue(100, []int{11, 13})
	assert.PanicsWithValue(t, "codes: PrimeResidue.Reconstruct: 2 sites, 1 symbols", func() { _, _ = pr.Reconstruct([]int{0, 1}, []int{0}) })
	rs, _ := NewReedSolomon(100, 11, 4)
	assert.Panics(t, func() { _, _ = rs.Reconstruct([]int{0}, []int{0, 1}) })
	assert.Panics(t, func() { _, _, _ = rs.Correct([]int{0}, nil) })
}

func TestConstructorErrors(t *testing.T) {
	e := func(_ any, err error) error { return err }
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"onehot K=1", e(NewOneHot(1)), ErrTooFewClasses},
		{"onehot K=-5", e(NewOneHot(-5)), ErrTooFewClasses},
		{"onehot K=2^31", e(NewOneHot(1 << 31)), ErrTooManyClasses},
		{"binary K=0", e(NewBinary(0)), ErrTooFewClasses},
		{"binary K=2^31", e(NewBinary(1 << 31)), ErrTooManyClasses},
		{"randombinary K=1", e(NewRandomBinary(1, 8, 0)), ErrTooFewClasses},
		{"randombinary 2^bits<K", e(NewRandomBinary(1025, 10, 0)), ErrNotInjective},
		{"randombinary 0 bits", e(NewRandomBinary(2, 0, 0)), ErrNotInjective},
		{"randombinary bits>MaxSites", e(NewRandomBinary(2, MaxSites+1, 0)), ErrTooManySites},
		{"randombinary too large", e(NewRandomBinary(MaxClasses, 64, 0)), ErrTooManyClasses},
		{"primeresidue K=1", e(NewPrimeResidue(1, []int{2})), ErrTooFewClasses},
		{"primeresidue K big", e(NewPrimeResidue(MaxClasses+1, []int{2})), ErrTooManyClasses},
		{"primeresidue 9", e(NewPrimeResidue(10, []int{9, 11})), ErrNotPrime},
		{"primeresidue 1", e(NewPrimeResidue(10, []int{1, 11})), ErrNotPrime},
		{"primeresidue 0", e(NewPrimeResidue(10, []int{0, 11})), ErrNotPrime},
		{"primeresidue -7", e(NewPrimeResidue(10, []int{-7, 11})), ErrNotPrime},
		{"primeresidue above MaxPrime", e(NewPrimeResidue(10, []int{2147483659})), ErrNotPrime},
		{"primeresidue repeated", e(NewPrimeResidue(100, []int{11, 13, 11})), ErrRepeatedPrime},
		{"primeresidue product<K", e(NewPrimeResidue(144, []int{11, 13})), ErrNotInjective},
		{"primeresidue no primes", e(NewPrimeResidue(2, nil)), ErrNotInjective},
		{"primeresidue too many", e(NewPrimeResidue(2, make([]int, MaxSites+1))), ErrTooManySites},
		{"reedsolomon K=1", e(NewReedSolomon(1, 7, 3)), ErrTooFewClasses},
		{"reedsolomon p=9", e(NewReedSolomon(50, 9, 3)), ErrNotPrime},
		{"reedsolomon p=1", e(NewReedSolomon(50, 1, 1)), ErrNotPrime},
		{"reedsolomon sites>p", e(NewReedSolomon(50, 7, 8)), ErrTooManySites},
		{"reedsolomon sites>MaxSites", e(NewReedSolomon(50, 65537, MaxSites+1)), ErrTooManySites},
		{"reedsolomon p^sites<K", e(NewReedSolomon(50, 7, 1)), ErrNotInjective},
		{"reedsolomon 0 sites", e(NewReedSolomon(5, 7, 0)), ErrNotInjective},
		{"reedsolomon -1 sites", e(NewReedSolomon(5, 7, -1)), ErrNotInjective},
		{"choose K=1", e(ChoosePrimes(1, 3, 2)), ErrTooFewClasses},
		{"choose K big", e(ChoosePrimes(MaxClasses+1, 3, 2)), ErrTooManyClasses},
		{"choose k=0", e(ChoosePrimes(100, 3, 0)), ErrTooFewSites},
		{"choose k>sites", e(ChoosePrimes(100, 2, 3)), ErrTooFewSites},
		{"choose sites>MaxSites", e(ChoosePrimes(100, MaxSites+1, 2)), ErrTooManySites},
		{"choose past MaxPrime", e(ChoosePrimes(MaxClasses, 2, 1)), ErrTooManySites},
	}
	for _, c := range cases {
		assert.ErrorIs(t, c.err, c.want, c.name)
		if c.err != nil {
			assert.Contains(t, c.err.Error(), "codes:", c.name)
		}
	}
	// Every sentinel is distinct.
	sentinels := []error{ErrLabelRange, ErrSymbolRange, ErrSiteRange, ErrTooFewClasses, ErrTooManyClasses,
		ErrNotPrime, ErrRepeatedPrime, ErrNotInjective, ErrTooManySites, ErrTooFewSites, ErrTooManyErrors,
		ErrNotCodeword, ErrUnknownKind, ErrCorrupt}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v is %v", a, b)
			}
		}
	}
}

func TestBinaryConvention(t *testing.T) {
	for _, K := range []int{2, 3, 4, 5, 1 << 20, 1<<20 + 1, MaxClasses} {
		b, err := NewBinary(K)
		require.NoError(t, err)
		require.Equal(t, bits.Len(uint(K-1)), b.Bits())
		require.Equal(t, b.Bits(), b.Sites())
		y := K - 1
		c, err := b.Encode(y, nil)
		require.NoError(t, err)
		for i, s := range c {
			require.Equal(t, (y>>i)&1, s)
		}
		require.Less(t, 1<<(b.Bits()-1), K, "no spare bit")
	}
	oh, _ := NewOneHot(MaxClasses)
	c, err := oh.Encode(MaxClasses-1, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{MaxClasses - 1}, c)
	assert.Equal(t, MaxClasses, oh.SiteClasses(0))
}
