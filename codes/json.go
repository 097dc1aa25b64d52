package codes

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// Kinds of mapping in the JSON envelope.
const (
	kindOneHot       = "one_hot"
	kindBinary       = "binary"
	kindRandomBinary = "random_binary"
	kindPrimeResidue = "prime_residue"
	kindReedSolomon  = "reed_solomon"
)

// envelope is the JSON form of every mapping: "kind" says which, the other
// fields are that kind's parameters.
type envelope struct {
	Kind    string `json:"kind"`
	Classes int    `json:"classes"`
	// prime_residue
	Primes []int `json:"primes,omitempty"`
	// reed_solomon
	Prime int `json:"prime,omitempty"`
	Sites int `json:"sites,omitempty"`
	// random_binary: the rows, (bits+63)/64 little-endian uint64 words per
	// label, base64 (standard, padded); the seed is informative.
	Bits int     `json:"bits,omitempty"`
	Seed *uint64 `json:"seed,omitempty"`
	Rows string  `json:"rows,omitempty"`
}

// Marshal returns the JSON form of a mapping of this package: an object
// whose "kind" is one of "one_hot", "binary", "random_binary",
// "prime_residue" or "reed_solomon", with "classes" and that kind's
// parameters ("primes"; "prime" and "sites"; "bits", "seed" and "rows",
// the code matrix in base64). It returns ErrUnknownKind for any other
// Mapping.
func Marshal(m Mapping) ([]byte, error) {
	switch m := m.(type) {
	case *OneHot:
		return m.MarshalJSON()
	case *Binary:
		return m.MarshalJSON()
	case *RandomBinary:
		return m.MarshalJSON()
	case *PrimeResidue:
		return m.MarshalJSON()
	case *ReedSolomon:
		return m.MarshalJSON()
	}
	return nil, fmt.Errorf("codes: Marshal: %T: %w", m, ErrUnknownKind)
}

// Unmarshal decodes a mapping written by Marshal and validates it as its
// constructor does. It returns ErrCorrupt for malformed JSON, unknown or
// misplaced fields, trailing data or a mapping that fails validation (the
// constructor's error is wrapped too, e.g. ErrNotPrime), and ErrUnknownKind
// (with ErrCorrupt) for an unknown "kind".
func Unmarshal(data []byte) (Mapping, error) {
	var e envelope
	if err := parseEnvelope(data, &e); err != nil {
		return nil, fmt.Errorf("codes: Unmarshal: %w", err)
	}
	m, err := e.build()
	if err != nil {
		return nil, fmt.Errorf("codes: Unmarshal: %w", err)
	}
	return m, nil
}

func parseEnvelope(data []byte, e *envelope) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(e); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the mapping", ErrCorrupt)
	}
	return nil
}

// build validates the envelope and constructs its mapping.
func (e *envelope) build() (Mapping, error) {
	// Each kind takes exactly its own fields.
	other := func(primes, rs, rb bool) bool {
		return e.Primes != nil && !primes ||
			(e.Prime != 0 || e.Sites != 0) && !rs ||
			(e.Bits != 0 || e.Seed != nil || e.Rows != "") && !rb
	}
	var (
		m   Mapping
		err error
	)
	switch e.Kind {
	case kindOneHot:
		if other(false, false, false) {
			break
		}
		m, err = NewOneHot(e.Classes)
	case kindBinary:
		if other(false, false, false) {
			break
		}
		m, err = NewBinary(e.Classes)
	case kindPrimeResidue:
		if other(true, false, false) {
			break
		}
		m, err = NewPrimeResidue(e.Classes, e.Primes)
	case kindReedSolomon:
		if other(false, true, false) {
			break
		}
		m, err = NewReedSolomon(e.Classes, e.Prime, e.Sites)
	case kindRandomBinary:
		if other(false, false, true) {
			break
		}
		m, err = e.randomBinary()
	default:
		return nil, fmt.Errorf("%w: %w: kind %q", ErrCorrupt, ErrUnknownKind, e.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: fields of another kind in a %q mapping", ErrCorrupt, e.Kind)
	}
	return m, nil
}

// randomBinary rebuilds a RandomBinary from its stored rows.
func (e *envelope) randomBinary() (*RandomBinary, error) {
	if err := checkClasses(e.Classes); err != nil {
		return nil, err
	}
	if e.Bits < minBits(e.Classes) {
		return nil, fmt.Errorf("%d bits for %d classes: %w", e.Bits, e.Classes, ErrNotInjective)
	}
	if e.Bits > MaxSites {
		return nil, fmt.Errorf("%d bits, at most %d: %w", e.Bits, MaxSites, ErrTooManySites)
	}
	words := (e.Bits + 63) / 64
	if e.Classes > randomBinaryMaxWords/words {
		return nil, fmt.Errorf("%d classes × %d bits exceeds 1 GiB: %w", e.Classes, e.Bits, ErrTooManyClasses)
	}
	if e.Seed == nil {
		return nil, fmt.Errorf("random_binary without a seed")
	}
	wantBytes := e.Classes * words * 8
	if base64.StdEncoding.DecodedLen(len(e.Rows)) < wantBytes || len(e.Rows) > base64.StdEncoding.EncodedLen(wantBytes) {
		return nil, fmt.Errorf("rows hold %d base64 characters, want %d", len(e.Rows), base64.StdEncoding.EncodedLen(wantBytes))
	}
	raw, err := base64.StdEncoding.DecodeString(e.Rows)
	if err != nil {
		return nil, fmt.Errorf("rows: %w", err)
	}
	if len(raw) != wantBytes {
		return nil, fmt.Errorf("rows hold %d bytes, want %d", len(raw), wantBytes)
	}
	m := &RandomBinary{classes: e.Classes, bits: e.Bits, words: words, seed: *e.Seed, rows: make([]uint64, e.Classes*words)}
	for i := range m.rows {
		m.rows[i] = binary.LittleEndian.Uint64(raw[8*i:])
	}
	last := lastWordMask(e.Bits)
	m.index = newRowIndex(e.Classes)
	for y := range e.Classes {
		if m.rows[(y+1)*words-1]&^last != 0 {
			return nil, fmt.Errorf("row %d has bits set beyond bit %d", y, e.Bits)
		}
		if !m.index.insert(m, y) {
			return nil, fmt.Errorf("row %d repeats an earlier row: %w", y, ErrNotInjective)
		}
	}
	return m, nil
}

// MarshalJSON returns the mapping's JSON envelope (see Marshal).
func (m *OneHot) MarshalJSON() ([]byte, error) {
	return json.Marshal(envelope{Kind: kindOneHot, Classes: m.classes})
}

// MarshalJSON returns the mapping's JSON envelope (see Marshal).
func (m *Binary) MarshalJSON() ([]byte, error) {
	return json.Marshal(envelope{Kind: kindBinary, Classes: m.classes})
}

// MarshalJSON returns the mapping's JSON envelope (see Marshal), the rows
// included: the code does not depend on the generator staying the same.
func (m *RandomBinary) MarshalJSON() ([]byte, error) {
	raw := make([]byte, 8*len(m.rows))
	for i, w := range m.rows {
		binary.LittleEndian.PutUint64(raw[8*i:], w)
	}
	seed := m.seed
	return json.Marshal(envelope{Kind: kindRandomBinary, Classes: m.classes, Bits: m.bits, Seed: &seed,
		Rows: base64.StdEncoding.EncodeToString(raw)})
}

// MarshalJSON returns the mapping's JSON envelope (see Marshal).
func (m *PrimeResidue) MarshalJSON() ([]byte, error) {
	return json.Marshal(envelope{Kind: kindPrimeResidue, Classes: m.classes, Primes: m.Primes()})
}

// MarshalJSON returns the mapping's JSON envelope (see Marshal).
func (m *ReedSolomon) MarshalJSON() ([]byte, error) {
	return json.Marshal(envelope{Kind: kindReedSolomon, Classes: m.classes, Prime: int(m.f.P), Sites: m.n})
}

// unmarshalKind parses data, which must be of the given kind, into a
// validated mapping.
func unmarshalKind(data []byte, kind string) (Mapping, error) {
	var e envelope
	if err := parseEnvelope(data, &e); err != nil {
		return nil, err
	}
	if e.Kind != kind {
		return nil, fmt.Errorf("%w: kind %q, want %q", ErrCorrupt, e.Kind, kind)
	}
	return e.build()
}

// unmarshalInto replaces *m by the validated mapping of kind in data;
// errors as for Unmarshal, prefixed with typ's UnmarshalJSON.
func unmarshalInto[T any, PT interface {
	*T
	Mapping
}](m PT, data []byte, kind, typ string) error {
	v, err := unmarshalKind(data, kind)
	if err != nil {
		return fmt.Errorf("codes: %s.UnmarshalJSON: %w", typ, err)
	}
	*m = *v.(PT)
	return nil
}

// UnmarshalJSON replaces m by the validated mapping in data, which must be
// of kind "one_hot"; errors as for Unmarshal.
func (m *OneHot) UnmarshalJSON(data []byte) error {
	return unmarshalInto(m, data, kindOneHot, "OneHot")
}

// UnmarshalJSON replaces m by the validated mapping in data, which must be
// of kind "binary"; errors as for Unmarshal.
func (m *Binary) UnmarshalJSON(data []byte) error {
	return unmarshalInto(m, data, kindBinary, "Binary")
}

// UnmarshalJSON replaces m by the validated mapping in data, which must be
// of kind "random_binary"; errors as for Unmarshal.
func (m *RandomBinary) UnmarshalJSON(data []byte) error {
	return unmarshalInto(m, data, kindRandomBinary, "RandomBinary")
}

// UnmarshalJSON replaces m by the validated mapping in data, which must be
// of kind "prime_residue"; errors as for Unmarshal.
func (m *PrimeResidue) UnmarshalJSON(data []byte) error {
	return unmarshalInto(m, data, kindPrimeResidue, "PrimeResidue")
}

// UnmarshalJSON replaces m by the validated mapping in data, which must be
// of kind "reed_solomon"; errors as for Unmarshal.
func (m *ReedSolomon) UnmarshalJSON(data []byte) error {
	return unmarshalInto(m, data, kindReedSolomon, "ReedSolomon")
}
