package hamming

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/memtest"
)

type savable interface {
	Index
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

func TestMarshalRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, bits := range append([]int{0}, testBits...) {
		for _, n := range []int{0, 1, 300} {
			codes := randCodes(rng, bits, n)
			for i, x := range indexes(t, bits, codes, n, 0, max(Words(bits), 1)) {
				data, err := x.(savable).MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				var y savable
				switch x.(type) {
				case *Linear:
					y = NewLinear(3)
				case *MultiIndex:
					y, _ = NewMultiIndex(5, 0)
				case *Table:
					y, _ = NewTable(2)
				}
				y.Add(make([]uint64, Words(y.Bits()))) // replaced by the load
				if err := y.UnmarshalBinary(data); err != nil {
					t.Fatalf("bits=%d n=%d %s: %v", bits, n, name(x), err)
				}
				if y.Bits() != bits || y.Len() != n {
					t.Fatalf("bits=%d n=%d %s: loaded %d bits, %d codes", bits, n, name(x), y.Bits(), y.Len())
				}
				if mi, ok := x.(*MultiIndex); ok && mi.want != y.(*MultiIndex).want {
					t.Fatalf("substrings %d loaded as %d", mi.want, y.(*MultiIndex).want)
				}
				for _, q := range testQueries(rng, codes, bits, n, 8) {
					for _, k := range []int{1, 10} {
						equalNeighbors(t, fmt.Sprintf("bits=%d n=%d index %d k=%d", bits, n, i, k),
							y.Search(q, k, nil), x.Search(q, k, nil))
					}
				}
				again, _ := y.MarshalBinary()
				if !slices.Equal(again, data) {
					t.Fatalf("bits=%d n=%d %s: saving a loaded index changed the bytes", bits, n, name(x))
				}
			}
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 8))
	codes := randCodes(rng, 20, 6)
	for _, x := range indexes(t, 20, codes, 6, 4) {
		data, _ := x.(savable).MarshalBinary()
		fresh := func() savable {
			switch x.(type) {
			case *Linear:
				return NewLinear(20)
			case *MultiIndex:
				mi, _ := NewMultiIndex(20, 0)
				return mi
			default:
				tb, _ := NewTable(20)
				return tb
			}
		}
		// Every truncation.
		for l := range len(data) {
			y := fresh()
			if err := y.UnmarshalBinary(data[:l]); !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: %d of %d bytes: %v, want ErrTruncated", name(x), l, len(data), err)
			}
			if y.Len() != 0 {
				t.Errorf("%s: a failed load changed the index", name(x))
			}
		}
		// Trailing bytes.
		if err := fresh().UnmarshalBinary(append(slices.Clone(data), 0)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: trailing byte: %v, want ErrFormat", name(x), err)
		}
		// Every single-bit corruption is caught, by the checksum or a
		// header check.
		for i := range data {
			for b := range 8 {
				bad := slices.Clone(data)
				bad[i] ^= 1 << b
				err := fresh().UnmarshalBinary(bad)
				if !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) {
					t.Fatalf("%s: bit %d of byte %d flipped: %v", name(x), b, i, err)
				}
				if i >= headerSize && !errors.Is(err, ErrChecksum) {
					t.Fatalf("%s: bit %d of byte %d (past the header) flipped: %v, want ErrChecksum", name(x), b, i, err)
				}
			}
		}
	}

	lin := NewLinear(20)
	lin.AddPacked(codes)
	data, _ := lin.MarshalBinary()
	tb, _ := NewTable(20)
	if err := tb.UnmarshalBinary(data); !errors.Is(err, ErrFormat) {
		t.Errorf("Table loading a Linear: %v, want ErrFormat", err)
	}
	// A well-formed file whose codes have unused bits set: only a broken
	// writer makes one, so fix the checksum by hand.
	bad := slices.Clone(data)
	bad[headerSize+3] = 0xFF
	fixed := marshalRaw(bad[:len(bad)-4])
	if err := NewLinear(1).UnmarshalBinary(fixed); !errors.Is(err, ErrFormat) || !errors.Is(err, ErrUnusedBits) {
		t.Errorf("codes with unused bits: %v, want ErrFormat and ErrUnusedBits", err)
	}
	// A MultiIndex with an impossible number of substrings.
	mi, _ := NewMultiIndex(20, 4)
	data, _ = mi.MarshalBinary()
	data[12] = 21
	if err := mi.UnmarshalBinary(marshalRaw(data[:len(data)-4])); !errors.Is(err, ErrFormat) || !errors.Is(err, ErrSubstrings) {
		t.Errorf("21 substrings of 20 bits: %v", err)
	}
	// A Table of too many bits.
	data = marshal(kindTable, 30, 0, 0, nil)
	if err := tb.UnmarshalBinary(data); !errors.Is(err, ErrFormat) {
		t.Errorf("Table of 30 bits: %v", err)
	}
	if err := tb.UnmarshalBinary([]byte("not an index at all, not at all")); !errors.Is(err, ErrFormat) {
		t.Errorf("garbage: %v", err)
	}
}

// marshalRaw appends a correct checksum to body.
func marshalRaw(body []byte) []byte {
	b := slices.Clone(body)
	sum := crc32.Checksum(b, castagnoli)
	return append(b, byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24))
}

// header returns a saved index's header and checksum around body, with
// whatever counts it is given: what a hostile writer can make.
func header(kind byte, nbits uint32, param int32, n uint64, body []byte) []byte {
	b := []byte(magic)
	b = append(b, kind, formatVersion, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, nbits)
	b = binary.LittleEndian.AppendUint32(b, uint32(param))
	b = binary.LittleEndian.AppendUint64(b, n)
	return marshalRaw(append(b, body...))
}

// TestUnmarshalZeroBitsHugeCount loads the 28-byte Linear of codes of 0
// bits that declares 2^40 codes: it must be refused, not give an index
// whose SearchRadius runs for ever.
func TestUnmarshalZeroBitsHugeCount(t *testing.T) {
	blob := header(kindLinear, 0, 0, 1<<40, nil)
	if len(blob) != 28 {
		t.Fatalf("blob of %d bytes, want 28", len(blob))
	}
	l := NewLinear(3)
	err := l.UnmarshalBinary(blob)
	if !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrFormat) {
		t.Fatalf("28-byte Linear of 2^40 codes of 0 bits: %v, want ErrTooLarge and ErrFormat", err)
	}
	if l.Bits() != 3 || l.Len() != 0 {
		t.Fatalf("a failed load changed the index: %d bits, %d codes", l.Bits(), l.Len())
	}
	// The same for the other kinds, at their own limit MaxLen.
	for _, kind := range []byte{kindMultiIndex, kindTable} {
		x := newOfKind(kind, 3)
		for _, n := range []uint64{MaxEmptyCodes + 1, MaxLen, 1 << 40, 1<<64 - 1} {
			if err := x.UnmarshalBinary(header(kind, 0, 0, n, nil)); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s of %d codes of 0 bits: %v, want ErrTooLarge", name(x), n, err)
			}
		}
	}
}

// TestUnmarshalCounts checks every declared size against the data's
// length and the limits, without overflow and before allocating.
func TestUnmarshalCounts(t *testing.T) {
	d := memtest.Allocated(func() {
		unmarshalCounts(t)
	})
	if d > 1<<20 {
		t.Errorf("refusing bad headers allocated %d bytes", d)
	}
}

// unmarshalCounts runs TestUnmarshalCounts' cases.
func unmarshalCounts(t *testing.T) {
	for _, tc := range []struct {
		what  string
		kind  byte
		nbits uint32
		n     uint64
		body  int
		want  []error
	}{
		{"n·8 overflows", kindLinear, 64, 1 << 61, 8, []error{ErrFormat, ErrTooLarge}},
		{"n·8·w overflows", kindLinear, 1 << 20, 1 << 50, 8, []error{ErrFormat, ErrTooLarge}},
		{"n above MaxInt64", kindLinear, 64, 1 << 63, 0, []error{ErrFormat, ErrTooLarge}},
		{"n of uint64 max", kindMultiIndex, 1, 1<<64 - 1, 0, []error{ErrFormat, ErrTooLarge}},
		{"2^40 codes in 8 bytes", kindLinear, 64, 1 << 40, 8, []error{ErrTruncated}},
		{"MaxLen+1 codes in 8 bytes", kindMultiIndex, 8, MaxLen + 1, 8, []error{ErrTruncated}},
		{"2^32−1 bits", kindLinear, 1<<32 - 1, 0, 0, []error{ErrFormat, ErrBits, ErrTooLarge}},
		{"2^31 bits", kindMultiIndex, 1 << 31, 1, 0, []error{ErrFormat, ErrBits, ErrTooLarge}},
		{"Table of 25 bits", kindTable, 25, 1, 8, []error{ErrFormat, ErrBits}},
		{"1 code of 2^31−1 bits in 8 bytes", kindLinear, 1<<31 - 1, 1, 8, []error{ErrTruncated}},
		{"codes of 0 bits with a body", kindLinear, 0, 1, 8, []error{ErrFormat}},
		{"MaxEmptyCodes+1 codes of 0 bits", kindLinear, 0, MaxEmptyCodes + 1, 0, []error{ErrFormat, ErrTooLarge}},
	} {
		x := newOfKind(tc.kind, 1)
		err := x.UnmarshalBinary(header(tc.kind, tc.nbits, 0, tc.n, make([]byte, tc.body)))
		for _, want := range tc.want {
			if !errors.Is(err, want) {
				t.Errorf("%s: %v, want %v", tc.what, err, want)
			}
		}
		if x.Len() != 0 || x.Bits() != 1 {
			t.Errorf("%s: a failed load changed the index", tc.what)
		}
	}
}

// TestMarshalEmptyCodesLimit checks that MaxEmptyCodes codes of 0 bits
// save and load, and one more is refused when saving, so that every saved
// index loads.
func TestMarshalEmptyCodesLimit(t *testing.T) {
	for _, kind := range []byte{kindLinear, kindMultiIndex, kindTable} {
		x := newOfKind(kind, 0)
		for x.Len() < MaxEmptyCodes {
			x.Add(nil)
		}
		data, err := x.MarshalBinary()
		if err != nil {
			t.Fatalf("%s of MaxEmptyCodes codes of 0 bits: %v", name(x), err)
		}
		y := newOfKind(kind, 0)
		if err := y.UnmarshalBinary(data); err != nil || y.Len() != MaxEmptyCodes {
			t.Fatalf("%s: loading MaxEmptyCodes codes of 0 bits: %v, %d codes", name(x), err, y.Len())
		}
		if got := y.(RadiusSearcher).SearchRadius(nil, 0, nil); len(got) != MaxEmptyCodes {
			t.Fatalf("%s: SearchRadius found %d of %d codes", name(x), len(got), MaxEmptyCodes)
		}
		x.Add(nil)
		if _, err := x.MarshalBinary(); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s of MaxEmptyCodes+1 codes of 0 bits: %v, want ErrTooLarge", name(x), err)
		}
	}
}

// newOfKind returns an empty index of the given saved kind and bits.
func newOfKind(kind byte, bits int) savable {
	switch kind {
	case kindMultiIndex:
		mi, err := NewMultiIndex(bits, 0)
		if err != nil {
			panic(err)
		}
		return mi
	case kindTable:
		tb, err := NewTable(bits)
		if err != nil {
			panic(err)
		}
		return tb
	}
	return NewLinear(bits)
}

// TestMultiIndexFewLongCodes loads a MultiIndex of one code of 2^20 bits
// (128 KiB), asking for automatic substrings and for one substring per
// bit: the first search must not build 2^20 tables (hundreds of MiB), only
// as many as the codes need.
func TestMultiIndexFewLongCodes(t *testing.T) {
	const bits = 1 << 20
	for _, param := range []int32{0, bits} {
		data := header(kindMultiIndex, bits, param, 1, make([]byte, bits/8))
		mi, _ := NewMultiIndex(1, 0)
		if err := mi.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if m := mi.Substrings(); m != Words(bits) {
			t.Errorf("substrings=%d: %d substrings for 1 code of %d words, want %d", param, m, Words(bits), Words(bits))
		}
		var got []Neighbor
		d := memtest.Allocated(func() {
			q := make([]uint64, Words(bits))
			q[0] = 1
			got = mi.Search(q, 1, nil)
		})
		if len(got) != 1 || got[0] != (Neighbor{ID: 0, Distance: 1}) {
			t.Errorf("substrings=%d: Search = %v", param, got)
		}
		if d > 16<<20 {
			t.Errorf("substrings=%d: searching one code of %d bits allocated %d bytes", param, bits, d)
		}
	}
}
