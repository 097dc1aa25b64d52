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

	"github.com/labelcode/labelcode/internal/container"
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

// toContainer returns the container holding the index saved in legacy,
// a file of the earlier format.
func toContainer(legacy []byte) []byte {
	return container.Seal(containerKinds[legacy[4]], formatVersion, legacy[8:len(legacy)-trailerSize])
}

// toLegacy returns the file of the earlier format holding the index saved
// in the container c.
func toLegacy(c []byte) []byte {
	k, _ := container.Peek(c)
	kind := byte(slices.Index(containerKinds[:], k))
	b := append([]byte(magic), kind, formatVersion, 0, 0)
	return marshalRaw(append(b, c[container.HeaderLen:len(c)-trailerSize]...))
}

func TestUnmarshalErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 8))
	codes := randCodes(rng, 20, 6)
	for _, x := range indexes(t, 20, codes, 6, 4) {
		saved, _ := x.(savable).MarshalBinary()
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
		for _, format := range []struct {
			name                string
			data                []byte
			kindAt, versionAt   int // the bytes of these fields
			checksummedFrom     int // where a flipped bit is caught by the checksum only
			kindLen, versionLen int
		}{
			{"legacy", toLegacy(saved), 4, 5, headerSize, 1, 1},
			{"container", saved, 8, 10, container.HeaderLen, 2, 2},
		} {
			data := format.data
			what := name(x) + ", " + format.name
			// Every truncation.
			for l := range len(data) {
				y := fresh()
				if err := y.UnmarshalBinary(data[:l]); !errors.Is(err, ErrTruncated) && (l > 0 || !errors.Is(err, ErrFormat)) {
					t.Errorf("%s: %d of %d bytes: %v, want ErrTruncated", what, l, len(data), err)
				}
				if y.Len() != 0 {
					t.Errorf("%s: a failed load changed the index", what)
				}
			}
			// Trailing bytes.
			if err := fresh().UnmarshalBinary(append(slices.Clone(data), 0)); !errors.Is(err, ErrFormat) {
				t.Errorf("%s: trailing byte: %v, want ErrFormat", what, err)
			}
			// Every single-bit corruption is caught, by the checksum or a
			// header check.
			for i := range data {
				for b := range 8 {
					bad := slices.Clone(data)
					bad[i] ^= 1 << b
					err := fresh().UnmarshalBinary(bad)
					if !errors.Is(err, ErrFormat) {
						t.Fatalf("%s: bit %d of byte %d flipped: %v", what, b, i, err)
					}
					if i >= format.checksummedFrom && !errors.Is(err, ErrChecksum) {
						t.Fatalf("%s: bit %d of byte %d (past the header) flipped: %v, want ErrChecksum", what, b, i, err)
					}
					if i >= format.kindAt && i < format.kindAt+format.kindLen && !errors.Is(err, container.ErrKind) {
						t.Fatalf("%s: bit %d of byte %d (the kind) flipped: %v, want ErrKind", what, b, i, err)
					}
					if i >= format.versionAt && i < format.versionAt+format.versionLen && !errors.Is(err, ErrVersion) {
						t.Fatalf("%s: bit %d of byte %d (the version) flipped: %v, want ErrVersion", what, b, i, err)
					}
				}
			}
		}
	}

	lin := NewLinear(20)
	lin.AddPacked(codes)
	data, _ := lin.MarshalBinary()
	data = toLegacy(data) // the cases below edit the earlier format
	tb, _ := NewTable(20)
	for _, d := range [][]byte{data, toContainer(data)} {
		if err := tb.UnmarshalBinary(d); !errors.Is(err, ErrFormat) || !errors.Is(err, container.ErrKind) {
			t.Errorf("Table loading a Linear: %v, want ErrFormat and ErrKind", err)
		}
	}
	// A well-formed file whose codes have unused bits set: only a broken
	// writer makes one, so fix the checksum by hand.
	bad := slices.Clone(data)
	bad[headerSize+3] = 0xFF
	fixed := marshalRaw(bad[:len(bad)-4])
	for _, d := range [][]byte{fixed, toContainer(fixed)} {
		if err := NewLinear(1).UnmarshalBinary(d); !errors.Is(err, ErrFormat) || !errors.Is(err, ErrUnusedBits) {
			t.Errorf("codes with unused bits: %v, want ErrFormat and ErrUnusedBits", err)
		}
	}
	// A MultiIndex with an impossible number of substrings.
	mi, _ := NewMultiIndex(20, 4)
	data, _ = mi.MarshalBinary()
	data = toLegacy(data)
	data[12] = 21
	data = marshalRaw(data[:len(data)-4])
	for _, d := range [][]byte{data, toContainer(data)} {
		if err := mi.UnmarshalBinary(d); !errors.Is(err, ErrFormat) || !errors.Is(err, ErrSubstrings) {
			t.Errorf("21 substrings of 20 bits: %v", err)
		}
	}
	// A Table of too many bits.
	data = marshal(kindTable, 30, 0, 0, nil)
	for _, d := range [][]byte{data, toLegacy(data)} {
		if err := tb.UnmarshalBinary(d); !errors.Is(err, ErrFormat) {
			t.Errorf("Table of 30 bits: %v", err)
		}
	}
	for _, d := range []string{"not an index at all, not at all", "LBLCODE\x00 and then nothing right"} {
		if err := tb.UnmarshalBinary([]byte(d)); !errors.Is(err, ErrFormat) {
			t.Errorf("garbage: %v", err)
		}
	}
	// A container of a body shorter than the fields.
	if err := tb.UnmarshalBinary(container.Seal(container.HammingTable, formatVersion, make([]byte, fieldsSize-1))); !errors.Is(err, ErrFormat) {
		t.Errorf("short body: %v", err)
	}
}

// marshalRaw appends a correct checksum to body.
func marshalRaw(body []byte) []byte {
	b := slices.Clone(body)
	sum := crc32.Checksum(b, castagnoli)
	return append(b, byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24))
}

// header returns a saved index in the format of earlier releases: header
// and checksum around body, with whatever counts it is given, what a
// hostile writer can make.
func header(kind byte, nbits uint32, param int32, n uint64, body []byte) []byte {
	b := []byte(magic)
	b = append(b, kind, formatVersion, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, nbits)
	b = binary.LittleEndian.AppendUint32(b, uint32(param))
	b = binary.LittleEndian.AppendUint64(b, n)
	return marshalRaw(append(b, body...))
}

// sealed returns a container around the fields and body, with whatever
// counts it is given.
func sealed(kind byte, nbits uint32, param int32, n uint64, body []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, nbits)
	b = binary.LittleEndian.AppendUint32(b, uint32(param))
	b = binary.LittleEndian.AppendUint64(b, n)
	return container.Seal(containerKinds[kind], formatVersion, append(b, body...))
}

// TestLegacyFormat checks that indexes in the format of earlier releases
// load, and save again as the container of the same body.
func TestLegacyFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	codes := randCodes(rng, 70, 5)
	body := make([]byte, 0, 8*len(codes))
	for _, c := range codes {
		body = binary.LittleEndian.AppendUint64(body, c)
	}
	for _, kind := range []byte{kindLinear, kindMultiIndex, kindTable} {
		bits, param := uint32(70), int32(0)
		if kind == kindMultiIndex {
			param = 3
		}
		in := body
		if kind == kindTable {
			bits, in = 20, body[:8*5] // one word a code
			for i := range 5 {
				binary.LittleEndian.PutUint64(in[8*i:], uint64(i*7919)&(1<<20-1))
			}
		}
		legacy := header(kind, bits, param, 5, in)
		x := newOfKind(kind, 1)
		if err := x.UnmarshalBinary(legacy); err != nil {
			t.Fatalf("%s: %v", name(x), err)
		}
		if x.Bits() != int(bits) || x.Len() != 5 {
			t.Fatalf("%s: %d bits, %d codes", name(x), x.Bits(), x.Len())
		}
		again, err := x.MarshalBinary()
		if err != nil || !slices.Equal(again, sealed(kind, bits, param, 5, in)) || !slices.Equal(toLegacy(again), legacy) {
			t.Fatalf("%s: saved again as %x, %v", name(x), again, err)
		}
		// Every truncation and a bit flip in every byte are refused.
		for l := range len(legacy) {
			if err := newOfKind(kind, 1).UnmarshalBinary(legacy[:l]); !errors.Is(err, ErrTruncated) {
				t.Fatalf("%s: %d of %d bytes: %v", name(x), l, len(legacy), err)
			}
		}
		for i := range legacy {
			bad := slices.Clone(legacy)
			bad[i] ^= 0x10
			if err := newOfKind(kind, 1).UnmarshalBinary(bad); !errors.Is(err, ErrFormat) {
				t.Fatalf("%s: byte %d flipped: %v", name(x), i, err)
			}
		}
		// Another version is ErrVersion as well as ErrFormat.
		bad := slices.Clone(legacy)
		bad[5] = 2
		if err := newOfKind(kind, 1).UnmarshalBinary(marshalRaw(bad[:len(bad)-4])); !errors.Is(err, ErrVersion) || !errors.Is(err, ErrFormat) {
			t.Fatalf("%s: version 2: %v", name(x), err)
		}
	}
	// The sentinels are the container's.
	if ErrFormat != container.ErrFormat || ErrTruncated != container.ErrTruncated || ErrChecksum != container.ErrChecksum || ErrVersion != container.ErrVersion {
		t.Fatal("hamming's sentinels are not the container's")
	}
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
	for _, format := range []struct {
		name string
		make func(kind byte, nbits uint32, param int32, n uint64, body []byte) []byte
	}{{"legacy", header}, {"container", sealed}} {
		unmarshalCountsOf(t, format.name, format.make)
	}
}

// unmarshalCountsOf runs TestUnmarshalCounts' cases on files made by mk.
func unmarshalCountsOf(t *testing.T, format string, mk func(kind byte, nbits uint32, param int32, n uint64, body []byte) []byte) {
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
		err := x.UnmarshalBinary(mk(tc.kind, tc.nbits, 0, tc.n, make([]byte, tc.body)))
		for _, want := range tc.want {
			if !errors.Is(err, want) {
				t.Errorf("%s, %s: %v, want %v", format, tc.what, err, want)
			}
		}
		if x.Len() != 0 || x.Bits() != 1 {
			t.Errorf("%s, %s: a failed load changed the index", format, tc.what)
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
