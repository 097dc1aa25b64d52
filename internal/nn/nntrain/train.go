package nntrain

import (
	"errors"
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math"

	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors of training.
var (
	// ErrData reports training or validation data that do not fit the
	// network: wrong lengths, a target outside its head, no rows.
	ErrData = errors.New("nntrain: invalid data")
	// ErrDiverged reports a loss that became NaN or infinite during training.
	ErrDiverged = errors.New("nntrain: training diverged")
)

// Data is training or validation data for a Net: X holds Rows() examples of
// Spec.Inputs features, row-major, and Targets[h][r] is the symbol of row r
// for head h, in [0, Spec.Heads[h]).
type Data struct {
	X       []float32
	Targets [][]int
}

// Rows returns the number of examples.
func (d *Data) Rows() int {
	if d == nil || len(d.Targets) == 0 {
		return 0
	}
	return len(d.Targets[0])
}

// Check returns ErrData (wrapped) when d does not fit spec: no rows, a
// length mismatch, a target outside its head, a NaN or infinite feature.
func (d *Data) Check(spec nn.Spec) error {
	if d == nil || len(d.Targets) != len(spec.Heads) {
		return fmt.Errorf("%w: want one target slice per head (%d)", ErrData, len(spec.Heads))
	}
	rows := d.Rows()
	if rows == 0 {
		return fmt.Errorf("%w: no rows", ErrData)
	}
	if size, ok := limits.Mul(rows, spec.Inputs); !ok || len(d.X) != size {
		return fmt.Errorf("%w: %d feature values for %d rows of %d inputs", ErrData, len(d.X), rows, spec.Inputs)
	}
	for h, t := range d.Targets {
		if len(t) != rows {
			return fmt.Errorf("%w: head %d has %d targets for %d rows", ErrData, h, len(t), rows)
		}
		for r, s := range t {
			if s < 0 || s >= spec.Heads[h] {
				return fmt.Errorf("%w: row %d, head %d: target %d outside [0, %d)", ErrData, r, h, s, spec.Heads[h])
			}
		}
	}
	for i, v := range d.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: row %d, feature %d is %v", ErrData, i/spec.Inputs, i%spec.Inputs, v)
		}
	}
	return nil
}

// Trainer binds a Graph to its training data: its Params and Step are
// what training.Run trains (training.Model).
type Trainer struct {
	g *Graph
	d *Data
}

// NewTrainer returns a Trainer of g on d, which must fit g's network
// (Data.Check).
func NewTrainer(g *Graph, d *Data) *Trainer { return &Trainer{g: g, d: d} }

// Params returns the graph's learnables (the network's own weights).
func (t *Trainer) Params() [][]float32 { return t.g.Params() }

// Step loads the rows of d into the graph, runs it, and returns the loss
// (summed over heads), the accuracy (mean over heads) and the gradients.
func (t *Trainer) Step(rows []int) (loss, accuracy float64, grads [][]float32, err error) {
	t.g.Load(t.d.X, t.d.Targets, rows)
	if loss, err = t.g.Run(); err != nil {
		return 0, 0, nil, err
	}
	if grads, err = t.g.Grads(); err != nil {
		return 0, 0, nil, err
	}
	for _, l := range t.g.Losses {
		accuracy += float64(l.Correct())
	}
	return loss, accuracy / float64(len(rows)*len(t.g.Losses)), grads, nil
}

// Accuracy returns the mean over heads of the fraction of rows of d whose
// most probable symbol (first on ties) is the target, evaluated with
// ForwardBatch in chunks of 256 rows. It panics if d does not fit n.
func Accuracy(n *nn.Net, d *Data) float64 {
	const chunk = 256
	rows, in, outs := d.Rows(), n.Spec.Inputs, n.Spec.Outputs()
	var ws nn.Workspace
	var buf []float32
	hits := 0
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		buf = n.ForwardBatch(d.X[lo*in:hi*in], hi-lo, &ws, buf)
		for r := lo; r < hi; r++ {
			off := (r - lo) * outs
			for h, k := range n.Spec.Heads {
				if nn.ArgMax(buf[off:off+k]) == d.Targets[h][r] {
					hits++
				}
				off += k
			}
		}
	}
	return float64(hits) / float64(rows*len(n.Spec.Heads))
}
