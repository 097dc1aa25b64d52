package nntrain

import (
	"context"
	"errors"
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math"
	"strings"
	"time"

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

// Config controls Train. The zero value of a field means its default.
type Config struct {
	// Epochs is the number of passes over the training data; default 10.
	// Negative is an error.
	Epochs int
	// Batch is the minibatch size; default 64; capped at the number of
	// training rows. Each epoch uses floor(rows/Batch) minibatches of a fresh
	// shuffle: the rows left over are skipped that epoch (and drawn in
	// others). Negative is an error.
	Batch int
	// LearningRate is Adam's step size; default 1e-3. Negative, NaN or
	// infinite is an error.
	LearningRate float64
	// Patience stops training after this many epochs without a better
	// validation score; 0 (the default) never stops early. Negative is an
	// error. Whenever validation data are given, the weights of the best
	// epoch are kept, whether or not training stopped early.
	Patience int
	// Seed drives the shuffling of minibatches; the same seed, data and
	// starting weights give the same trained weights bit for bit.
	Seed uint64
	// Progress, if not nil, is called after every minibatch with the epoch
	// (from 0), the batch (from 0), the batch's loss (summed over heads) and
	// training accuracy (mean over heads), and after every epoch's
	// validation with batch = -1, the epoch's mean loss and the validation
	// score.
	Progress func(epoch, batch int, loss, accuracy float64)
	// Score, if not nil, replaces the default validation score (the mean over
	// heads of the accuracy on the validation data) by a score of the
	// network, higher is better; the multi-head Label Mapping model uses it
	// to validate on decoded labels.
	Score func(*nn.Net) (float64, error)
	// Schedule, if not nil, gives Adam's learning rate before every step,
	// from the epoch and the batch (both from 0) and the number of batches
	// of an epoch, in place of LearningRate; a rate that is not positive and
	// finite stops training with ErrSpec.
	Schedule func(epoch, batch, batches int) float64
}

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Epochs < 0:
		return c, fmt.Errorf("%w: %d epochs", nn.ErrSpec, c.Epochs)
	case c.Batch < 0:
		return c, fmt.Errorf("%w: batch size %d", nn.ErrSpec, c.Batch)
	case c.Patience < 0:
		return c, fmt.Errorf("%w: patience %d", nn.ErrSpec, c.Patience)
	case c.LearningRate < 0 || math.IsNaN(c.LearningRate) || math.IsInf(c.LearningRate, 0):
		return c, fmt.Errorf("%w: learning rate %v", nn.ErrSpec, c.LearningRate)
	}
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-3
	}
	return c, nil
}

// Epoch is one line of a training history.
type Epoch struct {
	Epoch    int           // from 0
	Loss     float64       // mean minibatch loss, summed over heads
	Accuracy float64       // mean training accuracy of the minibatches, mean over heads
	Score    float64       // validation score; NaN without validation
	Duration time.Duration // wall time of the epoch, validation included
}

// History is the record of a Train call.
type History struct {
	Epochs []Epoch
	// Best is the index in Epochs of the epoch whose weights were kept: the
	// best validation score (first on ties), or the last epoch without
	// validation data.
	Best int
	// Stopped reports that training ended early for lack of improvement.
	Stopped bool
}

// String returns the history as an aligned table, one row per epoch, the
// kept epoch marked with '*'.
func (h *History) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%5s %10s %8s %8s %9s\n", "epoch", "loss", "acc", "val", "time")
	for i, e := range h.Epochs {
		mark := ' '
		if i == h.Best {
			mark = '*'
		}
		fmt.Fprintf(&b, "%5d %10.4f %8.4f %8.4f %9s%c\n", e.Epoch, e.Loss, e.Accuracy, e.Score, e.Duration.Round(time.Millisecond), mark)
	}
	return b.String()
}

// Train fits net in place on train with Adam and shuffled minibatches,
// validating after each epoch on val (which may be nil), with early stopping
// and best-epoch restoring as Config says. It is built from the exported
// parts: NewGraph, NewSampler, Graph.Load, Graph.Run, Adam.Step.
//
// Cancelling ctx stops training between minibatches; Train then returns the
// context's error (wrapped) with net holding the best weights seen so far
// (or the current ones without validation data).
//
// It returns ErrSpec for a bad Config or net, ErrData for data that do not
// fit the net, ErrDiverged when the loss becomes NaN or infinite.
func Train(ctx context.Context, net *nn.Net, train, val *Data, cfg Config) (*History, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := net.Check(); err != nil {
		return nil, err
	}
	if err := train.Check(net.Spec); err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	if val != nil {
		if err := val.Check(net.Spec); err != nil {
			return nil, fmt.Errorf("validation data: %w", err)
		}
	}
	rows := train.Rows()
	batch := min(cfg.Batch, rows)
	gr, err := NewGraph(net, batch)
	if err != nil {
		return nil, err
	}
	defer gr.Close()
	opt, err := NewAdam(gr.Params(), cfg.LearningRate)
	if err != nil {
		return nil, err
	}
	score := cfg.Score
	if score == nil && val != nil {
		score = func(n *nn.Net) (float64, error) { return Accuracy(n, val), nil }
	}
	validate := score != nil

	sampler, err := NewSampler(rows, batch, cfg.Seed)
	if err != nil {
		return nil, err
	}
	batches := sampler.Batches()
	hist := &History{Best: -1}
	var best *nn.Net
	bestScore := math.Inf(-1)
	sinceBest := 0
	restore := func() {
		if best != nil {
			net.CopyFrom(best)
		}
	}
	for ep := 0; ep < cfg.Epochs; ep++ {
		start := time.Now()
		epochRows := sampler.Epoch()
		var sumLoss, sumAcc float64
		for b := 0; b < batches; b++ {
			if err := ctx.Err(); err != nil {
				restore()
				return hist, fmt.Errorf("nntrain: training stopped: %w", err)
			}
			if cfg.Schedule != nil {
				lr := cfg.Schedule(ep, b, batches)
				if err := CheckRate(lr); err != nil {
					restore()
					return hist, fmt.Errorf("epoch %d, batch %d: schedule: %w", ep, b, err)
				}
				opt.LearningRate = lr
			}
			gr.Load(train.X, train.Targets, epochRows[b])
			loss, err := gr.Run()
			if err != nil {
				restore()
				return hist, fmt.Errorf("epoch %d, batch %d: %w", ep, b, err)
			}
			grads, err := gr.Grads()
			if err != nil {
				restore()
				return hist, err
			}
			opt.Step(grads)
			acc := 0.0
			for _, l := range gr.Losses {
				acc += float64(l.Correct())
			}
			acc /= float64(batch * len(gr.Losses))
			sumLoss += loss
			sumAcc += acc
			if cfg.Progress != nil {
				cfg.Progress(ep, b, loss, acc)
			}
		}
		e := Epoch{Epoch: ep, Loss: sumLoss / float64(batches), Accuracy: sumAcc / float64(batches), Score: math.NaN()}
		if validate {
			s, err := score(net)
			if err != nil {
				restore()
				return hist, fmt.Errorf("validation after epoch %d: %w", ep, err)
			}
			e.Score = s
			if s > bestScore {
				bestScore, sinceBest = s, 0
				hist.Best = ep
				if best == nil {
					best = net.Clone()
				} else {
					best.CopyFrom(net)
				}
			} else {
				sinceBest++
			}
		} else {
			hist.Best = ep
		}
		e.Duration = time.Since(start)
		hist.Epochs = append(hist.Epochs, e)
		if cfg.Progress != nil {
			cfg.Progress(ep, -1, e.Loss, e.Score)
		}
		if validate && cfg.Patience > 0 && sinceBest >= cfg.Patience {
			hist.Stopped = true
			break
		}
	}
	restore()
	return hist, nil
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
