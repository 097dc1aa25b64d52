package labelcode

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/labelcode/labelcode/internal/limits"
)

// Blobs generates classification data of Gaussian clusters, for examples,
// tests and quick experiments: class y's rows are its centre, drawn once
// from N(0, 1) per feature, plus N(0, noise²) noise per value. The centres
// and every Sample come from one PCG stream seeded by the constructor's
// seed, so the same seed and the same sequence of Sample calls give the
// same rows in every process. A Blobs is not safe for concurrent use.
type Blobs struct {
	classes, features int
	centres           []float64
	r                 *rand.Rand
}

// NewBlobs returns a generator of classes clusters in features dimensions.
// It returns ErrLabelRange for fewer than 2 classes, ErrEmpty for no
// features, and ErrTooLarge when classes·features exceeds DefaultMaxValues
// (the centres' size). Cost: classes·features normal draws.
func NewBlobs(classes, features int, seed uint64) (*Blobs, error) {
	if classes < 2 {
		return nil, fmt.Errorf("labelcode: NewBlobs: %w: %d classes, need at least 2", ErrLabelRange, classes)
	}
	if features < 1 {
		return nil, fmt.Errorf("labelcode: NewBlobs: %w: %d features", ErrEmpty, features)
	}
	n, err := limits.Product("classes × features", DefaultMaxValues, classes, features)
	if err != nil {
		return nil, fmt.Errorf("labelcode: NewBlobs: %w", err)
	}
	b := &Blobs{classes: classes, features: features, centres: make([]float64, n), r: rand.New(rand.NewPCG(seed, 0))}
	for i := range b.centres {
		b.centres[i] = b.r.NormFloat64()
	}
	return b, nil
}

// Sample returns perClass rows of every class, in rounds: row i has label
// i mod classes. It returns ErrEmpty for perClass < 1, ErrTooLarge when the
// rows' values exceed DefaultMaxValues, and an error for a noise that is
// negative or not finite. Cost: one normal draw per value.
func (b *Blobs) Sample(perClass int, noise float64) (*Dataset, error) {
	if perClass < 1 {
		return nil, fmt.Errorf("labelcode: Blobs.Sample: %w: %d rows per class", ErrEmpty, perClass)
	}
	if noise < 0 || math.IsNaN(noise) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("labelcode: Blobs.Sample: %w: noise %v", ErrNonFinite, noise)
	}
	n, err := limits.Product("rows × features", DefaultMaxValues, b.classes, perClass, b.features)
	if err != nil {
		return nil, fmt.Errorf("labelcode: Blobs.Sample: %w", err)
	}
	x := make([]float32, 0, n)
	y := make([]int, 0, b.classes*perClass)
	for range perClass {
		for label := range b.classes {
			for _, m := range b.centres[label*b.features : (label+1)*b.features] {
				x = append(x, float32(m+noise*b.r.NormFloat64()))
			}
			y = append(y, label)
		}
	}
	return NewDataset(x, y, b.features, b.classes)
}
