package dsnc

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/training"
)

// TrainingGraph is the whole DSNC training graph of a model for a fixed
// batch size, assembled from the exported parts exactly as Fit uses it:
//
//	Probs  = Net.Encode(X)                  φ(x)
//	Bits   = Binarize(Probs, Sample, seed)  b ~ φ(x), straight-through
//	Logits = Net.Decode(Bits)               Bits·W + B, or (2·Bits − 1)·W + B if Config.Symmetric
//	NLL    = CrossEntropy(Logits, Y).Loss
//	Cost   = NLL + Reg.Cost                 (Reg is nil without the regulariser)
//
// It is a training.Model: Bind the training set, then training.Run (or a loop
// written by hand over training.Sampler, training.Adam and Step) trains the
// model in place, as Fit does; Fit adds validation and the adaptive
// schedule of the regulariser weights (SetRegulariser between epochs).
// The nodes are public for any other use: fill a batch with SetBatch, run
// Graph on a gorgonia machine of your own (G.NewTapeMachine(Graph), or
// with G.BindDualValues(Net.Learnables()...) for a gorgonia solver, which
// G.NewAdamSolver(G.WithLearnRate(lr)) turns into Fit's weights bit for
// bit), read Grads. Close releases Step's machine.
type TrainingGraph struct {
	Graph  *G.ExprGraph
	Net    *Net
	X, Y   *G.Node // inputs: batch×Features rows; the batch's labels, a vector of class indices as float32
	Probs  *G.Node // code bit probabilities φ(x)
	Bits   *G.Node // sampled codes
	Logits *G.Node
	NLL    *G.Node
	Reg    *Regulariser
	Cost   *G.Node
	// Grads holds the gradient nodes of Cost with respect to
	// Net.Learnables(), in that order; Step returns their values.
	Grads G.Nodes

	batch       int
	x, y        *tensor.Dense
	labels      []int
	loss        *CrossEntropyLoss
	params      [][]float32
	g32         [][]float32
	data        *labelcode.Dataset
	beta, gamma float64
	vm          G.VM
	zeros       [][]float32 // zero gradients of the batch norm's running statistics
}

// NewTrainingGraph builds the training graph of m's network (Init or Fit
// drew it) for batches of batch rows, with the regulariser when
// WithRegulariser was given (its weights start at the option's β and γ;
// SetRegulariser changes them); WithSeed seeds the Binarize node. The
// graph binds m's weight slices: training it trains m (a later Init
// replaces them, and the graph no longer trains m). Gradients of Cost with
// respect to Net.Learnables are added too. It returns ErrConfig for a
// batch size below 2, the errors of NewNet (ErrNotFitted before Init), and
// ErrConfig wrapping ErrTooLarge when the activations of one batch, batch
// × the widest layer (and batch² for the regulariser's masks), would
// exceed the model's weight limit (WithMaxWeights); that is checked before
// the graph's tensors are allocated. A model made with WithBatchNorm(true)
// is ErrConfig: batch norm trains only through Fit, which folds it into
// the weights.
func (m *Model) NewTrainingGraph(batch int) (*TrainingGraph, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewTrainingGraph on a nil model", ErrConfig)
	}
	if m.opts.BatchNorm || m.opts.codeBN {
		return nil, fmt.Errorf("%w: a custom training loop does not support batch norm (WithBatchNorm, WithCodeBatchNorm)", ErrConfig)
	}
	return m.fitGraph(batch, nil)
}

// fitGraph is NewTrainingGraph with batch norm of the layers of en when
// en is not nil: then Params lists, after the layers' weights, γ and β of
// every normalised layer (bn.Params, also in Net.Learnables) and the
// running statistics (bn.Stats), whose gradients are always zero so that
// Adam leaves them alone while training.Run's best-epoch snapshot keeps
// them with the weights.
func (m *Model) fitGraph(batch int, en *encoderNorm) (*TrainingGraph, error) {
	t, err := newTrainingGraphBN(m, batch, m.opts.regularise, m.opts.Seed, en)
	if err != nil {
		return nil, err
	}
	t.beta, t.gamma = m.opts.beta, m.opts.gamma
	return t, nil
}

func newTrainingGraph(m *Model, batch int, regularise bool, seed uint64) (*TrainingGraph, error) {
	return newTrainingGraphBN(m, batch, regularise, seed, nil)
}

// newTrainingGraphBN is newTrainingGraph with batch norm of the layers of
// en when en is not nil (see fitGraph).
func newTrainingGraphBN(m *Model, batch int, regularise bool, seed uint64, en *encoderNorm) (*TrainingGraph, error) {
	if batch < 2 {
		return nil, fmt.Errorf("%w: batch size %d, want at least 2", ErrConfig, batch)
	}
	g := G.NewGraph()
	net, err := NewNet(g, m)
	if err != nil {
		return nil, err
	}
	c := m.Config
	widest := max(c.Features, c.Bits, c.Classes)
	for _, h := range c.Hidden {
		widest = max(widest, h)
	}
	if _, err := limits.Product("batch × widest layer", c.maxWeights(), batch, widest); err != nil {
		return nil, fmt.Errorf("%w: activations: %w", ErrConfig, err)
	}
	if regularise {
		if _, err := limits.Product("batch × batch", c.maxWeights(), batch, batch); err != nil {
			return nil, fmt.Errorf("%w: regulariser masks: %w", ErrConfig, err)
		}
	}
	t := &TrainingGraph{
		Graph: g, Net: net, batch: batch,
		x:      tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(batch, c.Features)),
		y:      tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(batch)),
		labels: make([]int, batch),
	}
	for _, l := range m.layers() {
		t.params = append(t.params, l.W, l.B)
	}
	if en != nil {
		net.withBatchNorm(en)
		t.params = append(t.params, en.bn.Params()...)
		for _, st := range en.bn.Stats() {
			t.params = append(t.params, st)
			t.zeros = append(t.zeros, make([]float32, len(st)))
		}
	}
	t.X = G.NewMatrix(g, tensor.Float32, G.WithShape(batch, c.Features), G.WithName("x"), G.WithValue(t.x))
	t.Y = G.NewVector(g, tensor.Float32, G.WithShape(batch), G.WithName("y"), G.WithValue(t.y))
	if t.Probs, err = net.Encode(t.X); err != nil {
		return nil, err
	}
	if t.Bits, err = Binarize(t.Probs, Sample, seed); err != nil {
		return nil, err
	}
	if t.Logits, err = net.Decode(t.Bits); err != nil {
		return nil, err
	}
	if t.loss, err = CrossEntropy(t.Logits, t.Y); err != nil {
		return nil, err
	}
	t.NLL = t.loss.Loss
	t.Cost = t.NLL
	if regularise {
		if t.Reg, err = NewRegulariser(t.Probs); err != nil {
			return nil, err
		}
		if t.Cost, err = G.Add(t.NLL, t.Reg.Cost); err != nil {
			return nil, fmt.Errorf("dsnc: NLL + regulariser: %w", err)
		}
	}
	if t.Grads, err = G.Grad(t.Cost, net.Learnables()...); err != nil {
		return nil, fmt.Errorf("dsnc: gradients: %w", err)
	}
	return t, nil
}

// BatchSize returns the number of rows of every batch.
func (t *TrainingGraph) BatchSize() int { return t.batch }

// Bind makes d the training set whose rows Step reads. It returns ErrShape
// when d's width or class count differs from the model's and the errors of
// d.Validate.
func (t *TrainingGraph) Bind(d *labelcode.Dataset) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if err := t.checkData(d); err != nil {
		return err
	}
	t.data = d
	return nil
}

func (t *TrainingGraph) checkData(d *labelcode.Dataset) error {
	f, k := t.x.Shape()[1], t.Net.Decoder.W.Shape()[1]
	if d.Features != f || d.Classes != k {
		return fmt.Errorf("%w: data %d features, %d classes; model %d, %d", ErrShape, d.Features, d.Classes, f, k)
	}
	return nil
}

// SetRegulariser sets the regulariser weights β and γ of the following
// Steps (Fit calls it between epochs under the adaptive schedule). It
// returns ErrConfig for a negative or non-finite weight; without the
// regulariser the weights are recorded and unused.
func (t *TrainingGraph) SetRegulariser(beta, gamma float64) error {
	if !(beta >= 0 && gamma >= 0) || math.IsInf(beta, 0) || math.IsInf(gamma, 0) {
		return fmt.Errorf("%w: regulariser weights β=%v γ=%v", ErrConfig, beta, gamma)
	}
	t.beta, t.gamma = beta, gamma
	return nil
}

// Regulariser returns the regulariser weights β and γ of the next Step.
func (t *TrainingGraph) Regulariser() (beta, gamma float64) { return t.beta, t.gamma }

// Params returns the model's weight slices in Net.Learnables order (each
// encoder layer's W then B, then the decoder's): what training.Adam updates.
func (t *TrainingGraph) Params() [][]float32 { return t.params }

// Step runs the forward and backward pass on the bound training set's
// rows (len(rows) = BatchSize()) with the current regulariser weights, and
// returns the negative log-likelihood of the batch (without the
// regulariser), the fraction of the batch the decoder put in its true
// class on the sampled codes, and the gradients of Cost, parallel to
// Params and valid until the next Step. It returns ErrConfig before Bind,
// the errors of SetBatch, and the machine's errors.
func (t *TrainingGraph) Step(rows []int) (loss, accuracy float64, grads [][]float32, err error) {
	if t.data == nil {
		return 0, 0, nil, fmt.Errorf("%w: Step before Bind", ErrConfig)
	}
	if err := t.SetBatch(t.data, rows, t.beta, t.gamma); err != nil {
		return 0, 0, nil, err
	}
	if t.vm == nil {
		// No dual values: the gradients are read from their nodes, so
		// nothing accumulates from run to run.
		t.vm = G.NewTapeMachine(t.Graph)
	}
	defer t.vm.Reset()
	if err := t.vm.RunAll(); err != nil {
		return 0, 0, nil, fmt.Errorf("dsnc: forward/backward pass: %w", err)
	}
	t.g32 = t.g32[:0]
	for i, n := range t.Grads {
		var d []float32
		if v := n.Value(); v != nil {
			d, _ = v.Data().([]float32)
		}
		if d == nil || len(d) != len(t.params[i]) {
			return 0, 0, nil, fmt.Errorf("%w: gradient %d (%v) not computed as %d float32s", ErrShape, i, n, len(t.params[i]))
		}
		t.g32 = append(t.g32, d)
	}
	t.g32 = append(t.g32, t.zeros...)
	return t.Loss(), float64(t.Correct()) / float64(len(rows)), t.g32, nil
}

// Close releases Step's machine; the graph can step again afterwards.
func (t *TrainingGraph) Close() error {
	if t.vm == nil {
		return nil
	}
	err := t.vm.Close()
	t.vm = nil
	return err
}

// SetBatch copies the given rows of d into X and their labels into Y, and,
// with the regulariser, sets its masks and the weights β and γ: the input
// of a run of Graph on a machine of the caller's (Step calls it with the
// bound data). len(rows) must be the batch size. It returns ErrShape when
// d's width or class count differs from the model's or len(rows) is not
// the batch size, and the errors of Regulariser.SetBatch. Cost
// O(batch·Features).
func (t *TrainingGraph) SetBatch(d *labelcode.Dataset, rows []int, beta, gamma float64) error {
	if err := t.checkData(d); err != nil {
		return err
	}
	if len(rows) != t.batch {
		return fmt.Errorf("%w: %d rows for a batch of %d", ErrShape, len(rows), t.batch)
	}
	for i, r := range rows {
		t.labels[i] = d.Y[r]
	}
	f := d.Features
	x, y := t.x.Data().([]float32), t.y.Data().([]float32)
	for i, r := range rows {
		copy(x[i*f:(i+1)*f], d.Row(r))
		y[i] = float32(t.labels[i])
	}
	if t.Reg != nil {
		return t.Reg.SetBatch(t.labels, beta, gamma)
	}
	return nil
}

// Loss returns the mean negative log-likelihood of the last run (without
// the regulariser), NaN before the first run.
func (t *TrainingGraph) Loss() float64 {
	if t.NLL.Value() == nil {
		return math.NaN()
	}
	return t.loss.Last()
}

// Correct returns how many rows of the last run's batch the decoder put in
// their true class (on the sampled codes; the arg-max of the scores, ties
// to the smallest class).
func (t *TrainingGraph) Correct() int { return t.loss.Correct() }

var _ training.Model = (*TrainingGraph)(nil)
