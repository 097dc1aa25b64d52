package labelmap

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/training"
)

// This file holds the training graph of a MultiHead model, what a custom
// training loop is made of together with package training's Sampler, Adam and
// Schedule: the parts MultiHead.Fit runs on.

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
	m codes.Mapping
}

// Init gives h a fresh untrained network for rows of features values, its
// weights drawn from the Seed option exactly as Fit draws them (He for the
// trunk, Glorot for the heads): the start of a custom training loop. The
// previous network, if any, is dropped. It returns ErrInput for features <
// 1 and ErrTooLarge (before allocating) when the network would exceed
// WithMaxWeights.
func (h *MultiHead) Init(features int) error {
	if features < 1 {
		return fmt.Errorf("%w: %d features", ErrInput, features)
	}
	if _, err := h.weights(h.m, features); err != nil {
		return err
	}
	net, err := nn.NewNet(h.spec(features), h.cfg.Seed, h.cfg.MaxWeights)
	if err != nil {
		return fmt.Errorf("labelmap: %w", err)
	}
	h.setNet(net)
	return nil
}

// spec is the network shape of h for rows of features values.
func (h *MultiHead) spec(features int) nn.Spec { return spec(h.m, h.cfg.Hidden, features) }

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
// without a network and ErrConfig for batch < 1 or a model made with
// WithBatchNorm(true) (batch norm trains only through Fit, which folds it
// into the weights at the end).
func (h *MultiHead) NewTrainingGraph(batch int) (*TrainingGraph, error) {
	if h.net == nil {
		return nil, ErrNotFitted
	}
	if batch < 1 {
		return nil, fmt.Errorf("%w: batch size %d", ErrConfig, batch)
	}
	if h.cfg.BatchNorm {
		return nil, fmt.Errorf("%w: a custom training loop does not support batch norm (WithBatchNorm)", ErrConfig)
	}
	g, err := nntrain.NewGraph(h.net, batch)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	t := &TrainingGraph{Graph: g.G, X: g.X, Targets: g.Targets, Hidden: g.Hidden, Logits: g.Logits, Cost: g.Cost, g: g, m: h.m}
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

// Bind returns the graph bound to the training data d, relabelled once
// for every site: what training.Run trains (training.Model; its Step loads the
// rows into the graph, runs it and returns the loss, the accuracy over
// the sites and the gradients). It returns the errors of Relabel and
// ErrInput when d's width is not the network's.
func (t *TrainingGraph) Bind(d *labelcode.Dataset) (training.Model, error) {
	if d == nil || d.Features != t.g.Net().Spec.Inputs {
		return nil, fmt.Errorf("%w: data do not match the network's %d features", ErrInput, t.g.Net().Spec.Inputs)
	}
	ty, err := Relabel(t.m, d.Y, nil)
	if err != nil {
		return nil, err
	}
	return nntrain.NewTrainer(t.g, &nntrain.Data{X: d.X, Targets: ty}), nil
}

// Close releases the graph's tape machine.
func (t *TrainingGraph) Close() error { return t.g.Close() }

// Clone returns a deep copy of h: the same mapping (immutable) and training
// options, a copy of the network's weights. A custom
// loop keeps the best epoch's model this way.
func (h *MultiHead) Clone() *MultiHead {
	c := &MultiHead{decoder: h.decoder, cfg: h.cfg}
	c.cfg.Hidden = append([]int(nil), h.cfg.Hidden...)
	if h.net != nil {
		c.setNet(h.net.Clone())
	}
	return c
}
