package hamming

import (
	"encoding/binary"
	"testing"
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
