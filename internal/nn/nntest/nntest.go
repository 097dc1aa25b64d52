// Package nntest holds hostile inputs for the tests of the network
// encoding (internal/nn) and of the model files built on it (labelmap,
// infer), so that every loader is tested with the same bytes, and the
// synthetic data of the tests of the training loop (nntrain, training).
package nntest

import (
	"encoding/binary"
	"math/rand/v2"
)

// CraftedNet returns the encoded header of a network of 2^28−1 inputs, 64
// hidden layers of 2^28−1 and one head of 64, followed by no weights: its
// weight count is exactly 2^62, so that 4·count wraps to 0 in int64
// arithmetic and matches the empty weight section. A loader must refuse it
// before allocating.
func CraftedNet() []byte {
	const w = 1<<28 - 1
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u32(w)
	u32(64)
	for range 64 {
		u32(w)
	}
	u32(1)
	u32(64)
	return b
}

// Blobs returns rows rows of dim features, each a noisy copy (Gaussian
// noise of the given standard deviation) of one of classes random Gaussian
// prototypes; the label of a row is its prototype.
func Blobs(classes, dim, rows int, noise float64, seed uint64) (x []float32, y []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	protos := make([]float64, classes*dim)
	for i := range protos {
		protos[i] = rng.NormFloat64()
	}
	x = make([]float32, rows*dim)
	y = make([]int, rows)
	for r := range y {
		c := rng.IntN(classes)
		y[r] = c
		for j := 0; j < dim; j++ {
			x[r*dim+j] = float32(protos[c*dim+j] + noise*rng.NormFloat64())
		}
	}
	return x, y
}
