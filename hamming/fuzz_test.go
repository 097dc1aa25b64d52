package hamming

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/container"
)

// codesFromBytes packs data into at most maxCodes codes of nbits bits,
// clearing the unused bits.
func codesFromBytes(data []byte, nbits, maxCodes int) ([]uint64, int) {
	w := Words(nbits)
	if w == 0 {
		return nil, min(len(data), maxCodes)
	}
	n := min(len(data)/(8*w), maxCodes)
	codes := make([]uint64, n*w)
	for i := range codes {
		codes[i] = binary.LittleEndian.Uint64(data[8*i:])
		if i%w == w-1 {
			codes[i] &= lastMask(nbits)
		}
	}
	return codes, n
}

func FuzzDistance(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint16(64))
	f.Add(make([]byte, 80), uint16(300))
	f.Fuzz(func(t *testing.T, data []byte, nbits uint16) {
		bits := int(nbits % 1025)
		codes, n := codesFromBytes(data, bits, 2)
		if n < 2 {
			return
		}
		w := Words(bits)
		a, b := codes[:w], codes[w:2*w]
		if got, want := Distance(a, b), naiveDistance(a, b, bits); got != want {
			t.Fatalf("Distance = %d, naive %d", got, want)
		}
		if Distance(a, b) != Distance(b, a) || Distance(a, a) != 0 {
			t.Fatal("Distance is not symmetric or not zero on equal codes")
		}
	})
}

// FuzzSearch checks every index against the brute-force reference on codes
// made from the fuzz input: at most 64 codes, the first one the query.
func FuzzSearch(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, uint8(8), uint8(3), uint8(2))
	f.Add(make([]byte, 200), uint8(64), uint8(5), uint8(0))
	f.Add(make([]byte, 300), uint8(65), uint8(1), uint8(2))
	f.Add([]byte("the quick brown fox jumps over the lazy dog, the quick brown fox jumps"), uint8(3), uint8(10), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, nbits, k, m uint8) {
		bits := int(nbits)
		codes, n := codesFromBytes(data, bits, 65)
		if n < 1 {
			return
		}
		w := Words(bits)
		q, codes, n := codes[:w], codes[w:], n-1
		subs := int(m%8) + Words(bits) - 1 // -1, 0: automatic
		if subs > bits {
			subs = 0
		}
		idx := indexes(t, bits, codes, n, subs)
		want := bruteKNN(codes, bits, n, q, int(k))
		wantR := bruteRadius(codes, bits, n, q, int(k)/4)
		for _, x := range idx {
			equalNeighbors(t, name(x), x.Search(q, int(k), nil), want)
			equalNeighbors(t, name(x)+" radius", x.(RadiusSearcher).SearchRadius(q, int(k)/4, nil), wantR)
		}
	})
}

// releaseFile names the compat file of each kind of index.
var releaseFile = [...]string{kindLinear: "linear.hamming", kindMultiIndex: "multiindex.hamming", kindTable: "table.hamming"}

// fuzzLoader fuzzes the loader of one kind of saved index, in both
// layouts (container and the earlier format), seeded with both and with
// the index files of that kind of the releases that write containers
// (testdata/compat, v2 on). The fuzzer
// mutates the header and codes, and the target appends a correct CRC-32C,
// so that the parser behind the checksum is reached; the raw input is
// also loaded as is, to fuzz the checks before the checksum. Whatever
// loads must allocate no more than its data's size, save back to the same
// bytes, and answer searches exactly as a brute-force scan of its codes
// does, within a time bound, so a file that loads but makes a search hang
// or panic is found.
func fuzzLoader(f *testing.F, kind byte) {
	rng := rand.New(rand.NewPCG(uint64(kind), 17))
	for _, bits := range []int{0, 1, 8, 20, 63, 64, 65, 130} {
		for _, n := range []int{0, 1, 5} {
			if kind == kindTable && bits > MaxTableBits {
				continue
			}
			x := newOfKind(kind, bits)
			x.(interface {
				AddPacked([]uint64) (int, error)
			}).AddPacked(randCodes(rng, bits, n))
			for x.Len() < n { // codes of 0 bits
				x.Add(nil)
			}
			data, err := x.MarshalBinary()
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data[:len(data)-trailerSize])
			old := toLegacy(data)
			f.Add(old[:len(old)-trailerSize])
		}
	}
	if kind == kindMultiIndex {
		f.Add(header(kind, 130, 3, 1, make([]byte, 24))[:headerSize+24])
		f.Add(header(kind, 20, -1, 0, nil)[:headerSize])
	}
	// A count of codes of 0 bits that the data cannot vouch for, and
	// counts whose byte size overflows.
	f.Add(header(kind, 0, 0, 1<<40, nil)[:headerSize])
	f.Add(header(kind, 0, 0, MaxEmptyCodes, nil)[:headerSize])
	f.Add(header(kind, 64, 0, 1<<61, make([]byte, 8))[:headerSize+8])
	f.Add(header(kind, 1<<31-1, 0, 1, make([]byte, 8))[:headerSize+8])
	// The same in containers.
	for _, c := range [][]byte{sealed(kind, 0, 0, 1<<40, nil), sealed(kind, 64, 0, 1<<61, make([]byte, 8)),
		sealed(kind, 1<<31-1, 0, 1, make([]byte, 8)), sealed(kind, 20, -1, 0, nil)} {
		f.Add(c[:len(c)-trailerSize])
	}
	for _, data := range compat.Containers(f, releaseFile[kind]) {
		if err := newOfKind(kind, 1).UnmarshalBinary(data); err != nil {
			f.Fatalf("%s: %v", releaseFile[kind], err)
		}
		f.Add(data[:len(data)-trailerSize])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		if err := newOfKind(kind, 1).UnmarshalBinary(body); err == nil && len(body) >= headerSize+trailerSize {
			// Only a body that happens to end in its own checksum loads.
			if crc32.Checksum(body[:len(body)-trailerSize], castagnoli) != binary.LittleEndian.Uint32(body[len(body)-trailerSize:]) {
				t.Fatal("data with a wrong checksum loaded")
			}
		}
		data := marshalRaw(body)
		x := newOfKind(kind, 1)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := x.UnmarshalBinary(data)
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > uint64(2*len(data))+1<<16 {
			t.Fatalf("loading %d bytes allocated %d", len(data), d)
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if x.Len() != 0 || x.Bits() != 1 {
				t.Fatalf("a failed load changed the index: %v", err)
			}
			return
		}
		checkLoaded(t, x, data)
	})
}

// checkLoaded checks an index loaded from data: saved again it gives data,
// and its searches, run under a time bound, match a brute-force scan.
func checkLoaded(t *testing.T, x savable, data []byte) {
	t.Helper()
	bits, n := x.Bits(), x.Len()
	if bits == 0 && n > MaxEmptyCodes || bits > 0 && n*8*Words(bits) > len(data) {
		t.Fatalf("%d bytes loaded as %d codes of %d bits", len(data), n, bits)
	}
	again, err := x.MarshalBinary()
	if err == nil && !container.HasMagic(data) {
		again = toLegacy(again) // MarshalBinary writes a container
	}
	if err != nil || !slices.Equal(again, data) {
		t.Fatalf("saving the loaded index: %v, or the bytes changed", err)
	}
	// A query as long as a stored code costs no more than the data; with
	// no code stored, a long query would be the test's own allocation.
	if n == 0 && Words(bits) > 1024 {
		return
	}
	// A Table's build costs O(2^bits·bits) whatever the data: bounded by
	// MaxTableBits, but too slow to fuzz at the top of the range.
	if _, ok := x.(*Table); ok && bits > 20 {
		return
	}
	w := Words(bits)
	codes := make([]uint64, 0, n*w)
	var code []uint64
	for id := range n {
		code = x.(interface {
			Code(int, []uint64) []uint64
		}).Code(id, code)
		codes = append(codes, code...)
	}
	q := make([]uint64, w)
	if n > 0 {
		copy(q, codes[:w])
	}
	if bits > 0 {
		q[0] ^= 1
	}
	done := make(chan struct{})
	var (
		got   [][]Neighbor
		fault any
	)
	go func() {
		defer close(done)
		defer func() { fault = recover() }()
		for _, k := range []int{1, 4} {
			got = append(got, x.Search(q, k, nil))
		}
		for _, r := range []int{0, 1, bits / 4} {
			got = append(got, x.(RadiusSearcher).SearchRadius(q, r, nil))
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("searching %d codes of %d bits takes over 20 s", n, bits)
	}
	if fault != nil {
		t.Fatalf("searching %d codes of %d bits panicked: %v", n, bits, fault)
	}
	want := [][]Neighbor{bruteKNN(codes, bits, n, q, 1), bruteKNN(codes, bits, n, q, 4),
		bruteRadius(codes, bits, n, q, 0), bruteRadius(codes, bits, n, q, 1), bruteRadius(codes, bits, n, q, bits/4)}
	for i := range want {
		equalNeighbors(t, fmt.Sprintf("search %d", i), got[i], want[i])
	}
}

// FuzzUnmarshalLinear fuzzes Linear.UnmarshalBinary behind a correct
// checksum; see fuzzLoader.
func FuzzUnmarshalLinear(f *testing.F) { fuzzLoader(f, kindLinear) }

// FuzzUnmarshalMultiIndex fuzzes MultiIndex.UnmarshalBinary behind a
// correct checksum; see fuzzLoader.
func FuzzUnmarshalMultiIndex(f *testing.F) { fuzzLoader(f, kindMultiIndex) }

// FuzzUnmarshalTable fuzzes Table.UnmarshalBinary behind a correct
// checksum; see fuzzLoader.
func FuzzUnmarshalTable(f *testing.F) { fuzzLoader(f, kindTable) }
