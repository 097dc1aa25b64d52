package training

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/labelcode/labelcode/internal/limits"
)

// Model is what Run trains: a training graph bound to its training data.
// labelmap and dsnc models provide one for Fit; a custom model implements
// it to train with Run.
type Model interface {
	// Params returns the learnable weights, which Adam updates in place
	// and Run copies to keep the best epoch's weights. The slices must stay
	// the same across calls.
	Params() [][]float32
	// Step runs the forward and backward pass on the minibatch of the given
	// training rows and returns the loss, the training accuracy of the
	// batch in [0, 1], and the gradients, parallel to Params, valid until
	// the next Step.
	Step(rows []int) (loss, accuracy float64, grads [][]float32, err error)
}

// Config controls Run.
type Config struct {
	// Epochs is the number of passes over the training data, at least 1.
	Epochs int
	// LearningRate is Adam's constant rate, positive and finite; Schedule,
	// if not nil, replaces it step by step.
	LearningRate float64
	Schedule     Schedule
	// Patience stops training after this many epochs without a better
	// validation score; 0 never stops early. It needs Validate.
	Patience int
	// Validate, if not nil, returns the validation score of the current
	// weights after every epoch, higher is better. The weights of the best
	// epoch (first on ties) are restored at the end.
	Validate func() (float64, error)
	// EndEpoch, if not nil, is called after every epoch's validation with
	// the epoch's line, before it is recorded: DSNC records and adapts its
	// regulariser weights there.
	EndEpoch func(e *Epoch)
	// Progress, if not nil, is called after every minibatch and at the end
	// of every epoch, on Run's goroutine: it should return quickly.
	Progress func(Progress)
	// Site is copied into every Progress report.
	Site int
}

func (c *Config) check() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("%w: %d epochs, want at least 1", limits.ErrConfig, c.Epochs)
	case c.Patience < 0:
		return fmt.Errorf("%w: patience %d", limits.ErrConfig, c.Patience)
	}
	if c.Schedule == nil {
		return checkRate(c.LearningRate)
	}
	return nil
}

// Run trains m with Adam on the minibatches of s for cfg.Epochs epochs,
// validating after each epoch when cfg.Validate is set, stopping early
// after cfg.Patience epochs without improvement, and restoring the weights
// of the best validation epoch at the end. It is the loop of every Fit in
// this module, made of the exported parts (Sampler, Adam, Schedule); a
// loop written by hand over the same parts gives the same weights bit for
// bit.
//
// A cancelled ctx stops training between two minibatches: Run then returns
// the history so far and ctx's error, wrapped, with m holding the weights
// of the best validation epoch so far (the initial weights if none
// finished) or, without Validate, the current weights (History.Best = 0).
// It returns ErrConfig, wrapped, for a bad cfg or a scheduled rate that is
// not positive and finite, ErrDiverged when the loss becomes NaN or
// infinite, and the errors of m.Step and cfg.Validate; after an error
// during training m holds the best weights so far as after cancellation.
// Run holds one copy of the weights when validating.
func Run(ctx context.Context, m Model, s *Sampler, cfg Config) (*History, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("%w: nil sampler", limits.ErrConfig)
	}
	params := m.Params()
	opt, err := NewAdam(params, 1)
	if err != nil {
		return nil, err
	}
	if cfg.Schedule == nil {
		_ = opt.SetLearningRate(cfg.LearningRate)
	}
	start := time.Now()
	h := &History{Stopped: StopEpochs}
	for _, p := range params {
		h.Params += len(p)
	}
	validate := cfg.Validate != nil
	var best [][]float32
	if validate {
		best = copyParams(nil, params)
	}
	restore := func() {
		if best != nil {
			copyParams(params, best)
		}
	}
	// fail ends the run after an error: best weights back, history kept.
	fail := func(err error) (*History, error) {
		restore()
		if !validate {
			h.Best = 0
		}
		h.Duration = time.Since(start)
		return h, err
	}
	bestScore := math.Inf(-1)
	sinceBest := 0
	batches := s.Batches()
	for ep := 1; ep <= cfg.Epochs; ep++ {
		t0 := time.Now()
		var sumLoss, sumAcc float64
		for b, rows := range s.Epoch() {
			if err := ctx.Err(); err != nil {
				h.Stopped = StopCancelled
				return fail(fmt.Errorf("training stopped in epoch %d: %w", ep, err))
			}
			if cfg.Schedule != nil {
				if err := opt.SetLearningRate(cfg.Schedule(ep, b+1, batches)); err != nil {
					return fail(fmt.Errorf("schedule at epoch %d, batch %d: %w", ep, b+1, err))
				}
			}
			loss, acc, grads, err := m.Step(rows)
			if err != nil {
				return fail(fmt.Errorf("epoch %d, batch %d: %w", ep, b+1, err))
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fail(fmt.Errorf("%w: loss %v in epoch %d, batch %d", limits.ErrDiverged, loss, ep, b+1))
			}
			if err := opt.Step(grads); err != nil {
				return fail(fmt.Errorf("epoch %d, batch %d: %w", ep, b+1, err))
			}
			sumLoss += loss
			sumAcc += acc
			if cfg.Progress != nil {
				cfg.Progress(Progress{Site: cfg.Site, Epoch: ep, Epochs: cfg.Epochs, Batch: b + 1, Batches: batches,
					Loss: sumLoss / float64(b+1), Accuracy: sumAcc / float64(b+1), Score: math.NaN()})
			}
		}
		e := Epoch{Epoch: ep, Loss: sumLoss / float64(batches), Accuracy: sumAcc / float64(batches), Score: math.NaN()}
		if validate {
			score, err := cfg.Validate()
			if err != nil {
				return fail(fmt.Errorf("validation after epoch %d: %w", ep, err))
			}
			e.Score = score
			if score > bestScore {
				bestScore, sinceBest = score, 0
				h.Best = ep
				copyParams(best, params)
			} else {
				sinceBest++
			}
		} else {
			h.Best = ep
		}
		if cfg.EndEpoch != nil {
			cfg.EndEpoch(&e)
		}
		e.Duration = time.Since(t0)
		h.Epochs = append(h.Epochs, e)
		if cfg.Progress != nil {
			cfg.Progress(Progress{Site: cfg.Site, Epoch: ep, Epochs: cfg.Epochs, Batch: batches, Batches: batches,
				Loss: e.Loss, Accuracy: e.Accuracy, EpochDone: true, Score: e.Score})
		}
		if validate && cfg.Patience > 0 && sinceBest >= cfg.Patience {
			h.Stopped = StopEarly
			break
		}
	}
	restore()
	h.Duration = time.Since(start)
	return h, nil
}

// copyParams copies src into dst (allocated when nil) and returns dst.
func copyParams(dst, src [][]float32) [][]float32 {
	if dst == nil {
		dst = make([][]float32, len(src))
		for i, p := range src {
			dst[i] = make([]float32, len(p))
		}
	}
	for i, p := range src {
		copy(dst[i], p)
	}
	return dst
}
