package dsnc

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
)

// blobs generates k classes of rows each around a class centre drawn from
// N(0, I) in `features` dimensions, with Gaussian noise of the given standard
// deviation: the answer is known (the nearest centre), and with small noise
// a linear classifier separates the classes almost perfectly.
func blobs(t testing.TB, k, rows, features int, noise float64, seed uint64) *labelcode.Dataset {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	centres := make([]float64, k*features)
	for i := range centres {
		centres[i] = r.NormFloat64()
	}
	return around(t, r, centres, k, rows, features, noise)
}

// around draws k·rows rows of uniformly random classes, each its class's
// centre (row-major in centres) plus Gaussian noise of the given standard
// deviation.
func around(t testing.TB, r *rand.Rand, centres []float64, k, rows, features int, noise float64) *labelcode.Dataset {
	t.Helper()
	x := make([]float32, 0, k*rows*features)
	y := make([]int, 0, k*rows)
	for i := 0; i < k*rows; i++ {
		c := r.IntN(k)
		for j := 0; j < features; j++ {
			x = append(x, float32(centres[c*features+j]+noise*r.NormFloat64()))
		}
		y = append(y, c)
	}
	d, err := labelcode.NewDataset(x, y, features, k)
	require.NoError(t, err)
	return d
}

// latentCodes generates a problem whose answer is a binary code: each of k
// classes gets a random latent code of `latent` bits (pairwise Hamming
// distance at least 3), and a row of class y is M·s_y + noise·ε, with s_y the
// code as ±1, M a random features×latent Gaussian matrix, ε ~ N(0, I). It
// also returns the class centres M·s_y, so that a test can measure the
// nearest-centre (oracle) accuracy.
func latentCodes(t testing.TB, k, rows, features, latent int, noise float64, seed uint64) (*labelcode.Dataset, []float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 8))
	var codes []uint64
	for tries := 0; len(codes) < k; tries++ {
		require.Less(t, tries, 1_000_000, "cannot place %d codes of %d bits at distance 3", k, latent)
		c := r.Uint64() & (1<<latent - 1)
		ok := true
		for _, o := range codes {
			if bits.OnesCount64(c^o) < 3 {
				ok = false
				break
			}
		}
		if ok {
			codes = append(codes, c)
		}
	}
	m := make([]float64, features*latent)
	for i := range m {
		m[i] = r.NormFloat64() / math.Sqrt(float64(latent))
	}
	centres := make([]float64, k*features)
	for c, code := range codes {
		for i := 0; i < features; i++ {
			for j := 0; j < latent; j++ {
				s := -1.0
				if code>>j&1 == 1 {
					s = 1
				}
				centres[c*features+i] += m[i*latent+j] * s
			}
		}
	}
	return around(t, r, centres, k, rows, features, noise), centres
}

// nearestCentre returns the accuracy of the nearest-centre rule on d.
func nearestCentre(d *labelcode.Dataset, centres []float64) float64 {
	correct := 0
	for r := 0; r < d.Len(); r++ {
		best, bestD := -1, math.Inf(1)
		for c := 0; c < d.Classes; c++ {
			var s float64
			for j, v := range d.Row(r) {
				e := float64(v) - centres[c*d.Features+j]
				s += e * e
			}
			if s < bestD {
				best, bestD = c, s
			}
		}
		if best == d.Y[r] {
			correct++
		}
	}
	return float64(correct) / float64(d.Len())
}
