package dsnc

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/train"
)

// Schedule gives the learning rate of every Adam step of a training run:
// epoch and batch count from 0 (epoch is the number of epochs done, batch
// the number of steps done in this epoch) and batches is the number of
// batches of an epoch. Fit calls it before every step (WithSchedule); a
// custom loop calls it itself and passes the rate to Adam.SetLearnRate.
// It is a plain function type, so any func(epoch, batch, batches int)
// float64 is a Schedule.
type Schedule func(epoch, batch, batches int) float64

// CosineSchedule returns cosine annealing without restarts (Loshchilov and
// Hutter 2017) over a run of epochs epochs: the rate is lo + (hi−lo)·(1 +
// cos(π·t))/2 where t = (epoch + batch/batches)/epochs is the fraction of
// the run done, so it starts at hi, falls smoothly step by step and reaches
// lo after the last step. A t beyond 1 (training longer than epochs) gives
// lo. Fit returns ErrConfig if a rate is not positive and finite, so lo
// must be positive.
func CosineSchedule(hi, lo float64, epochs int) Schedule {
	return func(epoch, batch, batches int) float64 {
		return train.Cosine(hi, lo, epochs)(epoch+1, batch+1, batches)
	}
}

// WithSchedule makes Fit take the learning rate of every step from s
// instead of the constant of WithLearnRate (nil: back to the constant).
// Fit returns ErrConfig, wrapped, naming the step, when s gives a rate that
// is not positive and finite.
func WithSchedule(s Schedule) Option { return func(st *settings) { st.schedule = s } }

// Adam is the optimizer Fit trains with: Adam (Kingma and Ba 2015) updating
// a Model's weights in place, with exactly the floating-point arithmetic of
// gorgonia's AdamSolver (its default β1 = 0.9, β2 = 0.999, ε = 1e-8, no
// clipping), so that a loop stepping it reproduces Fit bit for bit. Unlike
// AdamSolver its learning rate can change between steps (SetLearnRate), it
// reads the gradients from the gradient nodes of the graph (the machine
// needs no dual values, so nothing accumulates from run to run) and leaves
// them untouched. A step costs O(Params()) on GOMAXPROCS goroutines and
// allocates only the slice headers of the gradients.
type Adam struct {
	opt  *nntrain.Adam
	lens []int // lengths of the weight slices
	g32  [][]float32
}

// NewAdam returns an optimizer of m's weights (encoder then decoder, W then
// B of each layer: the order of Net.Learnables) with learning rate lr.
// It returns ErrConfig unless lr is positive and finite, and for a nil m,
// and ErrShape for weights that are not float32.
func NewAdam(m *Model, lr float64) (*Adam, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewAdam: nil model", ErrConfig)
	}
	if err := nntrain.CheckRate(lr); err != nil {
		return nil, fmt.Errorf("%w: learning rate %v", ErrConfig, lr)
	}
	var p32 [][]float32
	var lens []int
	for _, l := range m.layers() {
		for _, t := range []*tensor.Dense{l.W, l.B} {
			d, ok := t.Data().([]float32)
			if !ok {
				return nil, fmt.Errorf("%w: NewAdam: weights of %T, want []float32", ErrShape, t.Data())
			}
			p32 = append(p32, d)
			lens = append(lens, len(d))
		}
	}
	opt, err := nntrain.NewAdam(p32, lr)
	return &Adam{opt: opt, lens: lens}, err
}

// LearnRate returns the rate the next step uses.
func (a *Adam) LearnRate() float64 { return a.opt.LearningRate }

// SetLearnRate sets the rate of the following steps; the moment estimates
// are kept. It returns ErrConfig unless lr is positive and finite.
func (a *Adam) SetLearnRate(lr float64) error {
	if err := nntrain.CheckRate(lr); err != nil {
		return fmt.Errorf("%w: learning rate %v", ErrConfig, lr)
	}
	a.opt.LearningRate = lr
	return nil
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.opt.Steps() }

// Step applies one update from grads, the gradient nodes of the model's
// learnables in Net.Learnables order (TrainingGraph.Grads, or the nodes
// G.Grad returned for Net.Learnables()), after a run of their graph. It
// returns ErrShape when there are not as many gradients as weights, a
// gradient has not been computed, or one does not match its weight's
// length or is not float32.
func (a *Adam) Step(grads G.Nodes) error {
	if len(grads) != len(a.lens) {
		return fmt.Errorf("%w: %d gradients for %d weight tensors", ErrShape, len(grads), len(a.lens))
	}
	a.g32 = a.g32[:0]
	for i, n := range grads {
		v := n.Value()
		if v == nil {
			return fmt.Errorf("%w: gradient %d (%v) not computed", ErrShape, i, n)
		}
		if v.Shape().TotalSize() != a.lens[i] {
			return fmt.Errorf("%w: gradient %d has %d values, its weight %d", ErrShape, i, v.Shape().TotalSize(), a.lens[i])
		}
		d, ok := v.Data().([]float32)
		if !ok {
			return fmt.Errorf("%w: gradient %d holds %T, want []float32", ErrShape, i, v.Data())
		}
		a.g32 = append(a.g32, d)
	}
	a.opt.Step(a.g32)
	return nil
}
