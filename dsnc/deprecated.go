package dsnc

// The names in this file are the package's API before it moved onto
// package train and the one model shape (New, Model.Fit, prediction on
// Model, Load with WithDecoder). They wrap the new code and go away once
// the programs outside this package have moved.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/training"
)

// Fit trains a model with the given options.
//
// Deprecated: use New and Model.Fit, which return a training.History.
func Fit(ctx context.Context, trn, val *labelcode.Dataset, opts ...Option) (*Model, *History, error) {
	m, err := New(opts...)
	if err != nil {
		return nil, nil, err
	}
	h, err := m.Fit(ctx, trn, val)
	if err != nil {
		if h != nil && h.Stopped == training.StopCancelled && errors.Is(err, ctx.Err()) {
			return m, historyOf(h), err
		}
		return nil, nil, err
	}
	return m, historyOf(h), nil
}

// WithLearnRate sets Adam's learning rate.
//
// Deprecated: use WithLearningRate.
func WithLearnRate(eta float64) Option { return WithLearningRate(eta) }

// Progress reports how training goes.
//
// Deprecated: use training.Progress (its Score is ValAccuracy).
type Progress struct {
	Epoch, Epochs  int
	Batch, Batches int
	Loss, Accuracy float64
	EpochDone      bool
	ValAccuracy    float64
}

func progressOf(p training.Progress) Progress {
	return Progress{Epoch: p.Epoch, Epochs: p.Epochs, Batch: p.Batch, Batches: p.Batches, Loss: p.Loss,
		Accuracy: p.Accuracy, EpochDone: p.EpochDone, ValAccuracy: p.Score}
}

// EpochStats summarises one epoch of training.
//
// Deprecated: use training.Epoch (its Score is ValAccuracy).
type EpochStats struct {
	Epoch          int
	Loss, Accuracy float64
	ValAccuracy    float64
	Beta, Gamma    float64
	Duration       time.Duration
}

// History is the record of a Fit run.
//
// Deprecated: use training.History (its Best is BestEpoch).
type History struct {
	Epochs    []EpochStats
	BestEpoch int
	Stopped   string
}

func historyOf(h *training.History) *History {
	if h == nil {
		return nil
	}
	o := &History{BestEpoch: h.Best, Stopped: h.Stopped}
	for _, e := range h.Epochs {
		o.Epochs = append(o.Epochs, EpochStats{Epoch: e.Epoch, Loss: e.Loss, Accuracy: e.Accuracy, ValAccuracy: e.Score,
			Beta: e.Beta, Gamma: e.Gamma, Duration: e.Duration})
	}
	return o
}

func (h *History) train() *training.History {
	t := &training.History{Best: h.BestEpoch, Stopped: h.Stopped}
	for _, e := range h.Epochs {
		t.Epochs = append(t.Epochs, training.Epoch{Epoch: e.Epoch, Loss: e.Loss, Accuracy: e.Accuracy, Score: e.ValAccuracy,
			Beta: e.Beta, Gamma: e.Gamma, Duration: e.Duration})
	}
	return t
}

// String formats the history as a table.
//
// Deprecated: use training.History.
func (h *History) String() string { return h.train().String() }

// CSV returns the history as comma-separated values.
//
// Deprecated: use training.History.
func (h *History) CSV() string { return h.train().CSV() }

// Series returns the history as plot-ready columns.
//
// Deprecated: use training.History.
func (h *History) Series() (epoch, loss, accuracy, valAccuracy []float64) { return h.train().Series() }

// Schedule gives the learning rate of every step, epoch and batch counted
// from 0.
//
// Deprecated: use training.Schedule, which counts from 1.
type Schedule func(epoch, batch, batches int) float64

// CosineSchedule returns cosine annealing, epochs and batches counted from
// 0.
//
// Deprecated: use training.Cosine.
func CosineSchedule(hi, lo float64, epochs int) Schedule {
	c := training.Cosine(hi, lo, epochs)
	return func(epoch, batch, batches int) float64 { return c(epoch+1, batch+1, batches) }
}

// ValidationAccuracy returns the accuracy on d of m's threshold codes with
// the linear decoder.
//
// Deprecated: use Model.Accuracy of a model with the linear decoder.
func ValidationAccuracy(m *Model, d *labelcode.Dataset) (float64, error) {
	if m == nil {
		return 0, fmt.Errorf("%w: nil model", ErrConfig)
	}
	return m.validationAccuracy(d)
}

// NewModel returns a model of the given shape with weights drawn from
// seed.
//
// Deprecated: use New with options, then Model.Init.
func NewModel(cfg Config, seed uint64) (*Model, error) {
	if err := cfg.core().Validate(); err != nil {
		return nil, err
	}
	c := defaults()
	c.hidden, c.bits, c.symmetric, c.maxWeights, c.seed = append([]int(nil), cfg.Hidden...), cfg.Bits, cfg.Symmetric, cfg.MaxWeights, seed
	return c.draw(cfg.Features, cfg.Classes)
}

// NewTrainingGraph builds the training graph of m.
//
// Deprecated: use Model.NewTrainingGraph (options WithRegulariser, WithSeed).
func NewTrainingGraph(m *Model, batch int, regularise bool, seed uint64) (*TrainingGraph, error) {
	return newTrainingGraph(m, batch, regularise, seed)
}

// Adam is the optimizer of a model's weights stepped from gradient nodes.
//
// Deprecated: use training.Adam over TrainingGraph.Params and Step's gradients.
type Adam struct {
	opt  *nntrain.Adam
	lens []int
	g32  [][]float32
}

// NewAdam returns an optimizer of m's weights.
//
// Deprecated: use training.NewAdam.
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
		p32 = append(p32, l.W, l.B)
		lens = append(lens, len(l.W), len(l.B))
	}
	opt, err := nntrain.NewAdam(p32, lr)
	return &Adam{opt: opt, lens: lens}, err
}

// LearnRate returns the rate the next step uses.
//
// Deprecated: use training.Adam.
func (a *Adam) LearnRate() float64 { return a.opt.LearningRate }

// SetLearnRate sets the rate of the following steps.
//
// Deprecated: use training.Adam.
func (a *Adam) SetLearnRate(lr float64) error {
	if err := nntrain.CheckRate(lr); err != nil {
		return fmt.Errorf("%w: learning rate %v", ErrConfig, lr)
	}
	a.opt.LearningRate = lr
	return nil
}

// Steps returns the number of steps taken.
//
// Deprecated: use training.Adam.
func (a *Adam) Steps() int { return a.opt.Steps() }

// Step applies one update from the gradient nodes grads.
//
// Deprecated: use training.Adam.
func (a *Adam) Step(grads G.Nodes) error {
	if len(grads) != len(a.lens) {
		return fmt.Errorf("%w: %d gradients for %d weight tensors", ErrShape, len(grads), len(a.lens))
	}
	a.g32 = a.g32[:0]
	for i, n := range grads {
		var d []float32
		if v := n.Value(); v != nil {
			d, _ = v.Data().([]float32)
		}
		if len(d) != a.lens[i] {
			return fmt.Errorf("%w: gradient %d (%v) is not %d float32s", ErrShape, i, n, a.lens[i])
		}
		a.g32 = append(a.g32, d)
	}
	a.opt.Step(a.g32)
	return nil
}

// Sampler draws the minibatches of successive epochs as Fit does.
//
// Deprecated: use training.NewSampler or training.NewClassSampler.
type Sampler struct{ s *training.Sampler }

// NewSampler returns a sampler over the rows with the given labels.
//
// Deprecated: use training.NewSampler or training.NewClassSampler.
func NewSampler(labels []int, size, perClass int, grouped bool, seed uint64) (*Sampler, error) {
	var s *training.Sampler
	var err error
	if grouped {
		s, err = training.NewClassSampler(labels, size, perClass, seed)
	} else {
		s, err = training.NewSampler(len(labels), size, seed)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &Sampler{s}, nil
}

// Epoch returns the next epoch's minibatches.
//
// Deprecated: use training.Sampler.
func (s *Sampler) Epoch() [][]int { return s.s.Epoch() }

// Predictor is a model with a decoder.
//
// Deprecated: a Model predicts itself (WithDecoder, Load).
type Predictor struct{ m *Model }

// NewPredictor returns a model sharing m's weights that predicts with dec.
//
// Deprecated: use New(WithDecoder(dec)), or Load(path, WithDecoder(dec)).
func NewPredictor(m *Model, dec Decoding) (*Predictor, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewPredictor: nil model", ErrConfig)
	}
	if err := dec.core().Validate(); err != nil {
		return nil, err
	}
	n := &Model{Config: m.Config, Encoder: m.Encoder, Decoder: m.Decoder, Codes: m.Codes, CodeLabels: m.CodeLabels, opts: m.opts}
	n.opts.dec, n.opts.decSet = dec, true
	if err := n.prepare(); err != nil {
		return nil, err
	}
	return &Predictor{n}, nil
}

// LoadPredictor reads a model file.
//
// Deprecated: use Load.
func LoadPredictor(path string) (*Predictor, error) {
	m, err := Load(path)
	if err != nil {
		return nil, err
	}
	return &Predictor{m}, nil
}

// Model returns the predictor's model.
//
// Deprecated: a Model predicts itself.
func (p *Predictor) Model() *Model { return p.m }

// Decoding returns the predictor's decoder choice.
//
// Deprecated: use Model.Decoding.
func (p *Predictor) Decoding() Decoding { return p.m.Decoding() }

// Predict returns the label of one example.
//
// Deprecated: use Model.Predict.
func (p *Predictor) Predict(x []float32) (int, error) { return p.m.Predict(x) }

// PredictBatch labels many examples.
//
// Deprecated: use Model.PredictBatch.
func (p *Predictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	return p.m.PredictBatch(x, rows, dst)
}

// TopK returns the k best classes of x with their scores.
//
// Deprecated: use Model.TopK.
func (p *Predictor) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	return p.m.TopK(x, k, dst)
}

// Code returns the threshold code of x.
//
// Deprecated: use Model.Code.
func (p *Predictor) Code(x []float32, dst []uint64) ([]uint64, error) { return p.m.Code(x, dst) }

// Accuracy returns the fraction of d's rows labelled correctly.
//
// Deprecated: use Model.Accuracy.
func (p *Predictor) Accuracy(d *labelcode.Dataset) (float64, error) { return p.m.Accuracy(d) }

// Save writes the model and its decoder choice to path.
//
// Deprecated: use Model.Save.
func (p *Predictor) Save(path string) error { return p.m.Save(path) }

// MarshalBinary encodes the model and its decoder choice.
//
// Deprecated: use Model.MarshalBinary.
func (p *Predictor) MarshalBinary() ([]byte, error) { return p.m.MarshalBinary() }

// String summarises the predictor.
//
// Deprecated: use Model.String.
func (p *Predictor) String() string {
	s := p.m.String()
	if i := strings.Index(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return fmt.Sprintf("DSNC predictor, %s decoding; model (float32): %s", p.m.Decoding(), s)
}

// Analyze returns the code statistics of m's threshold codes on d.
//
// Deprecated: use Model.Analyze.
func Analyze(m *Model, d *labelcode.Dataset) (CodeStats, error) { return m.Analyze(d) }
