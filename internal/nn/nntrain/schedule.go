package nntrain

import (
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math"
	"math/rand/v2"
)

// Sampler draws the minibatches of successive epochs as Train does: a
// permutation of the rows, kept from epoch to epoch and shuffled again at
// the start of each, cut into floor(rows/batch) batches (the rows left over
// sit out that epoch).
type Sampler struct {
	rng   *rand.Rand
	perm  []int
	batch int
}

// NewSampler returns the sampler of Train for rows rows, batches of batch
// rows and seed. It returns ErrSpec unless 1 <= batch <= rows.
func NewSampler(rows, batch int, seed uint64) (*Sampler, error) {
	if batch < 1 || batch > rows {
		return nil, fmt.Errorf("%w: batch size %d for %d rows", nn.ErrSpec, batch, rows)
	}
	s := &Sampler{rng: rand.New(rand.NewPCG(seed, 0x6e6e2d7472616e)), perm: make([]int, rows), batch: batch} // "nn-tran"
	for i := range s.perm {
		s.perm[i] = i
	}
	return s, nil
}

// Batches returns the number of batches of an epoch, floor(rows/batch).
func (s *Sampler) Batches() int { return len(s.perm) / s.batch }

// Epoch shuffles the permutation and returns its batches, views into it
// that the next call to Epoch overwrites. Cost O(rows).
func (s *Sampler) Epoch() [][]int {
	s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	out := make([][]int, s.Batches())
	for b := range out {
		out[b] = s.perm[b*s.batch : (b+1)*s.batch : (b+1)*s.batch]
	}
	return out
}

// Cosine returns the learning rate of cosine annealing (Loshchilov and
// Hutter 2017, without restarts) at batch of batches in epoch (both from 0)
// of a run of epochs: lo + (hi−lo)·(1 + cos(π·t))/2 with t = (epoch +
// batch/batches)/epochs the fraction of the run done, clamped to [0, 1].
// It starts at hi and reaches lo only after the last step.
func Cosine(hi, lo float64, epochs, epoch, batch, batches int) float64 {
	t := float64(epoch)
	if batches > 0 {
		t += float64(batch) / float64(batches)
	}
	t /= float64(max(epochs, 1))
	t = min(max(t, 0), 1)
	return lo + (hi-lo)*(1+math.Cos(math.Pi*t))/2
}

// CheckRate returns ErrSpec (wrapped) unless lr is positive and finite: the
// check NewAdam makes, and Train on every learning rate a schedule gives.
func CheckRate(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("%w: learning rate %v", nn.ErrSpec, lr)
	}
	return nil
}
