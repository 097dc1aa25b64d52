package hamming

import (
	"encoding"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"slices"
	"testing"
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
