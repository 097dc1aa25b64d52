package training

import (
	"fmt"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
)

// Adam is the optimizer every model of this module trains with: Adam
// (Kingma and Ba 2015) with β1 = 0.9, β2 = 0.999, ε = 1e-8 and bias
// correction, updating float32 weight slices in place with exactly the
// arithmetic of gorgonia's AdamSolver, its learning rate settable between
// steps. A step costs O(weights) on GOMAXPROCS goroutines and allocates
// nothing but their start. An Adam is not safe for concurrent use.
type Adam struct {
	opt  *nntrain.Adam
	lens []int
}

// NewAdam returns an optimizer of params (a training graph's Params) with
// rate lr. It returns ErrConfig, wrapped, unless lr is positive and
// finite. It allocates the two moment estimates, 2·Σ len(params[i])
// float32s.
func NewAdam(params [][]float32, lr float64) (*Adam, error) {
	if err := checkRate(lr); err != nil {
		return nil, err
	}
	opt, err := nntrain.NewAdam(params, lr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", limits.ErrConfig, err)
	}
	lens := make([]int, len(params))
	for i, p := range params {
		lens[i] = len(p)
	}
	return &Adam{opt: opt, lens: lens}, nil
}

// LearningRate returns the rate the next step uses.
func (a *Adam) LearningRate() float64 { return a.opt.LearningRate }

// SetLearningRate sets the rate of the following steps (the moment
// estimates are kept). It returns ErrConfig, wrapped, unless lr is
// positive and finite.
func (a *Adam) SetLearningRate(lr float64) error {
	if err := checkRate(lr); err != nil {
		return err
	}
	a.opt.LearningRate = lr
	return nil
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.opt.Steps() }

// Step applies one update from grads, parallel to the params given to
// NewAdam. It returns ErrShape, wrapped, and changes nothing when their
// number or lengths differ from the params'.
func (a *Adam) Step(grads [][]float32) error {
	if len(grads) != len(a.lens) {
		return fmt.Errorf("%w: %d gradients for %d parameter slices", limits.ErrShape, len(grads), len(a.lens))
	}
	for i, g := range grads {
		if len(g) != a.lens[i] {
			return fmt.Errorf("%w: gradient %d has %d values, its parameter %d", limits.ErrShape, i, len(g), a.lens[i])
		}
	}
	a.opt.Step(grads)
	return nil
}
