package labelmap

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/train"
)

// This file holds the parts a custom training loop of a MultiHead model is
// made of, the ones MultiHead.Fit (and MLP.Fit) run on: the training graph,
// the minibatch sampler, Adam and the learning rate schedules.

// Schedule gives the learning rate of every Adam step: epoch and batch
// count from 0 (epoch is the number of epochs done, batch the number of
// steps done in this epoch) and batches is the number of batches of an
// epoch. Fit calls it before every step (LearningRateSchedule); a custom
// loop calls it itself and passes the rate to Adam.SetLearnRate. Any
// func(epoch, batch, batches int) float64 is a Schedule.
type Schedule func(epoch, batch, batches int) float64

// CosineSchedule returns cosine annealing without restarts (Loshchilov and
// Hutter 2017) over a run of epochs epochs: lo + (hi−lo)·(1 + cos(π·t))/2
// with t = (epoch + batch/batches)/epochs the fraction of the run done, so
// the rate starts at hi, falls step by step and reaches lo after the last
// step (and stays there beyond). lo must be positive for Fit to accept the
// rates.
func CosineSchedule(hi, lo float64, epochs int) Schedule {
	return func(epoch, batch, batches int) float64 {
		return train.Cosine(hi, lo, epochs)(epoch+1, batch+1, batches)
	}
}

// LearningRateSchedule makes Fit take Adam's rate of every step from s
// instead of the constant of LearningRate (nil: back to the constant).
// Fit returns ErrOption, wrapped, when s gives a rate that is not positive
// and finite.
func LearningRateSchedule(s Schedule) Option {
	return func(c *mlpConfig) error { c.schedule = s; return nil }
}

// Sampler draws the minibatches of successive epochs exactly as Fit does:
// a permutation of the rows drawn from the seed, shuffled again at the
// start of every epoch and cut into floor(rows/batch) batches; the rows
// left over sit out that epoch. A loop using a Sampler with Fit's seed and
// batch size (capped at the number of rows, as Fit caps it) sees Fit's
// batches.
type Sampler struct{ s *train.Sampler }

// NewSampler returns a sampler over rows rows in batches of batch rows.
// It returns ErrOption unless 1 <= batch <= rows.
func NewSampler(rows, batch int, seed uint64) (*Sampler, error) {
	s, err := train.NewSampler(rows, batch, seed)
	if err != nil {
		return nil, fmt.Errorf("%w: batch size %d for %d rows", ErrOption, batch, rows)
	}
	return &Sampler{s}, nil
}

// Batches returns the number of batches of an epoch.
func (s *Sampler) Batches() int { return s.s.Batches() }

// Epoch returns the next epoch's batches of row indices; they are views
// into the sampler's permutation, overwritten by the next call. Cost
// O(rows).
func (s *Sampler) Epoch() [][]int { return s.s.Epoch() }

// Adam is the optimizer Fit trains with: Adam (Kingma and Ba 2015) with β1
// = 0.9, β2 = 0.999, ε = 1e-8 and bias correction, updating float32 weight
// slices in place with exactly the arithmetic of gorgonia's AdamSolver,
// its learning rate settable between steps. A step costs O(weights) on
// GOMAXPROCS goroutines and allocates nothing but their start.
type Adam struct{ opt *nntrain.Adam }

// NewAdam returns an optimizer of params (TrainingGraph.Params) with rate
// lr. It returns ErrOption unless lr is positive and finite.
func NewAdam(params [][]float32, lr float64) (*Adam, error) {
	opt, err := nntrain.NewAdam(params, lr)
	if err != nil {
		return nil, fmt.Errorf("%w: learning rate %v", ErrOption, lr)
	}
	return &Adam{opt}, nil
}

// LearnRate returns the rate the next step uses.
func (a *Adam) LearnRate() float64 { return a.opt.LearningRate }

// SetLearnRate sets the rate of the following steps (the moment estimates
// are kept). It returns ErrOption unless lr is positive and finite.
func (a *Adam) SetLearnRate(lr float64) error {
	if err := nntrain.CheckRate(lr); err != nil {
		return fmt.Errorf("%w: learning rate %v", ErrOption, lr)
	}
	a.opt.LearningRate = lr
	return nil
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.opt.Steps() }

// Step applies one update from grads, parallel to the params given to
// NewAdam (TrainingGraph.Grads after a Run). It panics if their number or
// lengths differ from the params'.
func (a *Adam) Step(grads [][]float32) { a.opt.Step(grads) }

// TrainingGraph is the training graph of a MultiHead network (LM paper,
// Figure 4a) for a fixed batch size, the graph MultiHead.Fit trains on:
//
//	Hidden[j] = ReLU(Hidden[j-1]·W + B)           the shared trunk, from X
//	Logits[i] = Hidden[last]·Wᵢ + Bᵢ               head i, SiteClasses(i) wide
//	Losses[i] = mean NLL of softmax(Logits[i]) at Targets[i]
//	Cost      = Σᵢ Losses[i]
//
// with the gradients of Cost with respect to Learnables. Each layer is one
// fused op and each loss one fused softmax cross-entropy op. The
// learnables are the model's own weights (no copy): stepping them trains
// the MultiHead in place, so it predicts with them at any time and saves
// them with Save. Load a batch with SetBatch, Run the forward and backward
// pass, step Params from Grads (Adam), repeat; the graph runs on its own
// tape machine. A TrainingGraph is not safe for concurrent use; Close it
// when done.
type TrainingGraph struct {
	// Graph holds the nodes below.
	Graph *G.ExprGraph
	// X is the batch×features input, Targets[i] the batch's symbols of
	// site i (as float32).
	X       *G.Node
	Targets []*G.Node
	// Hidden holds the trunk's activations, Logits and Losses one node per
	// site, Cost their sum.
	Hidden []*G.Node
	Logits []*G.Node
	Losses []*G.Node
	Cost   *G.Node
	// Learnables holds the weight and bias nodes of the trunk's layers,
	// then of the heads, in the order of Params.
	Learnables G.Nodes

	g *nntrain.Graph
}

// Init gives h a fresh untrained network for rows of features values, its
// weights drawn from the Seed option exactly as Fit draws them (He for the
// trunk, Glorot for the heads): the start of a custom training loop. The
// previous network, if any, is dropped. It returns ErrInput for features <
// 1 and ErrTooLarge (before allocating) when the network would exceed
// MaxWeights.
func (h *MultiHead) Init(features int) error {
	if features < 1 {
		return fmt.Errorf("%w: %d features", ErrInput, features)
	}
	if _, err := h.weights(h.m, features); err != nil {
		return err
	}
	net, err := nn.NewNet(h.spec(features), h.cfg.seed, h.cfg.maxWeights)
	if err != nil {
		return fmt.Errorf("labelmap: %w", err)
	}
	h.setNet(net)
	h.hist = nil
	return nil
}

// spec is the network shape of h for rows of features values.
func (h *MultiHead) spec(features int) nn.Spec { return spec(h.m, h.cfg.hidden, features) }

// spec is the shape of a network over m with the given hidden widths for
// rows of features values: one head per site.
func spec(m codes.Mapping, hidden []int, features int) nn.Spec {
	s := nn.Spec{Inputs: features, Hidden: hidden, Heads: make([]int, m.Sites())}
	for i := range s.Heads {
		s.Heads[i] = m.SiteClasses(i)
	}
	return s
}

// NewTrainingGraph builds the training graph of h's network (made by Init,
// Fit or a load) for batches of batch rows. It returns ErrNotFitted
// without a network and ErrOption for batch < 1.
func (h *MultiHead) NewTrainingGraph(batch int) (*TrainingGraph, error) {
	if h.net == nil {
		return nil, ErrNotFitted
	}
	if batch < 1 {
		return nil, fmt.Errorf("%w: batch size %d", ErrOption, batch)
	}
	g, err := nntrain.NewGraph(h.net, batch)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	t := &TrainingGraph{Graph: g.G, X: g.X, Targets: g.Targets, Hidden: g.Hidden, Logits: g.Logits, Cost: g.Cost, g: g}
	for _, l := range g.Losses {
		t.Losses = append(t.Losses, l.Loss)
	}
	for _, l := range g.Layers {
		t.Learnables = append(t.Learnables, l.W, l.B)
	}
	return t, nil
}

// BatchSize returns the number of rows of every batch.
func (t *TrainingGraph) BatchSize() int { return t.g.Batch }

// SetBatch loads the batch made of the given rows of d into X and the
// rows' symbols into Targets: targets[i][r] is the symbol of row r of d at
// site i, as Relabel(mapping, d.Y, nil) gives it (relabel once, then pick
// batches). It returns ErrInput when d's width is not the network's, the
// targets are not one slice of d.Len() per site, len(rows) is not the
// batch size or a row is outside d. Cost O(batch·(features + sites)).
func (t *TrainingGraph) SetBatch(d *labelcode.Dataset, targets [][]int, rows []int) error {
	spec := t.g.Net().Spec
	if d.Features != spec.Inputs {
		return fmt.Errorf("%w: rows of %d features, the network takes %d", ErrInput, d.Features, spec.Inputs)
	}
	if len(targets) != len(spec.Heads) {
		return fmt.Errorf("%w: %d target slices for %d sites", ErrInput, len(targets), len(spec.Heads))
	}
	n := d.Len()
	for i, s := range targets {
		if len(s) != n {
			return fmt.Errorf("%w: site %d has %d targets for %d rows", ErrInput, i, len(s), n)
		}
	}
	if len(rows) != t.g.Batch {
		return fmt.Errorf("%w: %d rows for a batch of %d", ErrInput, len(rows), t.g.Batch)
	}
	for _, r := range rows {
		if r < 0 || r >= n {
			return fmt.Errorf("%w: row %d outside [0, %d)", ErrInput, r, n)
		}
	}
	t.g.Load(d.X, targets, rows)
	return nil
}

// Run runs the forward and backward pass on the loaded batch and returns
// Cost, the sum of the sites' losses; the gradients are then in Grads. It
// returns an error (wrapped) when a loss is NaN or infinite or a target is
// outside its site's alphabet.
func (t *TrainingGraph) Run() (float64, error) {
	loss, err := t.g.Run()
	if err != nil {
		return loss, fmt.Errorf("labelmap: %w", err)
	}
	return loss, nil
}

// SiteLoss returns the mean negative log-likelihood of site i on the last
// run.
func (t *TrainingGraph) SiteLoss(i int) float64 { return t.g.Losses[i].LastLoss() }

// SiteCorrect returns how many rows of the last run's batch had their most
// probable symbol of site i (first on ties) at the target.
func (t *TrainingGraph) SiteCorrect(i int) int { return t.g.Losses[i].Correct() }

// Params returns the weight slices of the network, W then B of each layer
// (trunk then heads), parallel to Learnables: the model's own memory.
func (t *TrainingGraph) Params() [][]float32 { return t.g.Params() }

// Grads returns the gradients of Cost from the last Run, parallel to
// Params; they are the graph's buffers, overwritten by the next Run. It
// returns an error before the first Run.
func (t *TrainingGraph) Grads() ([][]float32, error) {
	g, err := t.g.Grads()
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return g, nil
}

// Close releases the graph's tape machine.
func (t *TrainingGraph) Close() error { return t.g.Close() }

// Clone returns a deep copy of h: the same mapping (immutable) and training
// options, a copy of the network's weights and of the history. A custom
// loop keeps the best epoch's model this way.
func (h *MultiHead) Clone() *MultiHead {
	c := &MultiHead{decoder: h.decoder, cfg: h.cfg, hist: append(History(nil), h.hist...)}
	c.cfg.hidden = append([]int(nil), h.cfg.hidden...)
	if h.net != nil {
		c.setNet(h.net.Clone())
	}
	return c
}
