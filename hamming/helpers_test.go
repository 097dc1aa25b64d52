package hamming

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// testBits are the code lengths every index is checked on: word boundaries,
// the common lengths, and 3 and 5 words for the general scan loops.
var testBits = []int{1, 8, 63, 64, 65, 128, 150, 200, 256, 300}

// randCode returns a uniform random code of nbits bits.
func randCode(rng *rand.Rand, nbits int) []uint64 {
	c := make([]uint64, Words(nbits))
	for i := range c {
		c[i] = rng.Uint64()
	}
	if len(c) > 0 {
		c[len(c)-1] &= lastMask(nbits)
	}
	return c
}

// randCodes returns n uniform random codes, packed.
func randCodes(rng *rand.Rand, nbits, n int) []uint64 {
	codes := make([]uint64, 0, n*Words(nbits))
	for range n {
		codes = append(codes, randCode(rng, nbits)...)
	}
	return codes
}

// noisy returns a copy of code with each bit flipped with probability p.
func noisy(rng *rand.Rand, code []uint64, nbits int, p float64) []uint64 {
	c := slices.Clone(code)
	for i := range nbits {
		if rng.Float64() < p {
			c[i/64] ^= 1 << (i % 64)
		}
	}
	return c
}

// clusteredCodes returns n codes, each a noisy copy (bits flipped with
// probability p) of one of the given number of uniform random centres, and
// the centres. This is the shape of the codes a trained DSNC network gives:
// many codes per class, close to each other.
func clusteredCodes(rng *rand.Rand, nbits, n, centres int, p float64) (codes, centre []uint64) {
	centre = randCodes(rng, nbits, centres)
	w := Words(nbits)
	codes = make([]uint64, 0, n*w)
	for range n {
		c := rng.IntN(centres)
		codes = append(codes, noisy(rng, centre[c*w:(c+1)*w], nbits, p)...)
	}
	return codes, centre
}

// naiveDistance counts differing bits one at a time: the obviously right
// reference for Distance.
func naiveDistance(a, b []uint64, nbits int) int {
	d := 0
	for i := range nbits {
		if (a[i/64]>>(i%64))&1 != (b[i/64]>>(i%64))&1 {
			d++
		}
	}
	return d
}

// bruteAll returns every code with its distance to q, sorted by distance
// then ID: the reference for every search.
func bruteAll(codes []uint64, nbits, n int, q []uint64) []Neighbor {
	w := Words(nbits)
	all := make([]Neighbor, n)
	for i := range n {
		all[i] = Neighbor{ID: i, Distance: naiveDistance(codes[i*w:(i+1)*w], q, nbits)}
	}
	slices.SortStableFunc(all, func(a, b Neighbor) int { return a.Distance - b.Distance })
	return all
}

func bruteKNN(codes []uint64, nbits, n int, q []uint64, k int) []Neighbor {
	all := bruteAll(codes, nbits, n, q)
	return all[:max(min(k, n), 0)]
}

func bruteRadius(codes []uint64, nbits, n int, q []uint64, r int) []Neighbor {
	all := bruteAll(codes, nbits, n, q)
	i := 0
	for i < len(all) && all[i].Distance <= r {
		i++
	}
	return all[:i]
}

// testQueries returns queries of every kind: uniform random, stored codes,
// and noisy copies of stored codes at several noise levels.
func testQueries(rng *rand.Rand, codes []uint64, nbits, n, count int) [][]uint64 {
	w := Words(nbits)
	qs := make([][]uint64, 0, count)
	for i := range count {
		if n == 0 || i%4 == 0 {
			qs = append(qs, randCode(rng, nbits))
			continue
		}
		id := rng.IntN(n)
		c := codes[id*w : (id+1)*w]
		switch i % 4 {
		case 1:
			qs = append(qs, slices.Clone(c))
		case 2:
			qs = append(qs, noisy(rng, c, nbits, 0.03))
		default:
			qs = append(qs, noisy(rng, c, nbits, 0.15))
		}
	}
	return qs
}

func equalNeighbors(t *testing.T, what string, got, want []Neighbor) {
	t.Helper()
	if !slices.Equal(got, want) {
		n := min(len(got), len(want), 12)
		t.Fatalf("%s: got %d neighbours %v..., want %d %v...", what, len(got), got[:min(n, len(got))], len(want), want[:min(n, len(want))])
	}
}

func mustPanic(t *testing.T, what string, f func()) any {
	t.Helper()
	var p any
	func() {
		defer func() { p = recover() }()
		f()
	}()
	if p == nil {
		t.Fatalf("%s did not panic", what)
	}
	return p
}
