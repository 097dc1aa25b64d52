package dsnc

import (
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
