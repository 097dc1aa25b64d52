package nntrain

import (
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// DenseNodes is a Dense layer placed in a gorgonia graph: W (In×Out) and B
// (1×Out) are nodes whose values share memory with the Dense slices, so an
// optimizer that updates the slices updates the graph and the other way
// round.
type DenseNodes struct {
	W, B *G.Node
}

// DenseLayer adds the weights of d to g as learnable nodes named name+".W"
// and name+".B", backed by d.W and d.B (not copied).
func DenseLayer(g *G.ExprGraph, d *nn.Dense, name string) DenseNodes {
	w := tensor.New(tensor.WithShape(d.In, d.Out), tensor.WithBacking(d.W))
	b := tensor.New(tensor.WithShape(1, d.Out), tensor.WithBacking(d.B))
	return DenseNodes{
		W: G.NewMatrix(g, tensor.Float32, G.WithShape(d.In, d.Out), G.WithName(name+".W"), G.WithValue(w)),
		B: G.NewMatrix(g, tensor.Float32, G.WithShape(1, d.Out), G.WithName(name+".B"), G.WithValue(b)),
	}
}

// Apply returns x·W + B for a batch x (rows×In), followed by ReLU when relu
// is set, as one fused Affine op.
func (l DenseNodes) Apply(x *G.Node, relu bool) (*G.Node, error) {
	act := Identity
	if relu {
		act = ReLU
	}
	return Affine(x, l.W, l.B, act)
}

// Graph is the training graph of a Net for a fixed batch size: input,
// trunk, one logits node and one fused cross-entropy loss per head, their
// sum, and its gradients with respect to every weight. The weights are the
// Net's own slices, so a Graph trains the Net in place. Build it with
// NewGraph, feed it with Load, run it with Run, then step an optimizer on
// Params/Grads; Train is exactly that loop.
//
// A Graph runs on its own tape machine, one op at a time; inside an op,
// matrix products run on the BLAS's threads and elementwise passes on
// GOMAXPROCS goroutines, both without changing any result, so the same data
// in the same order give the same weights bit for bit. Every op writes into
// buffers it keeps from batch to batch, and the gradients are read from
// their nodes (no dual values to accumulate into and clear), so a step
// allocates almost nothing. A Graph is not safe for concurrent use;
// independent Graphs are.
type Graph struct {
	G       *G.ExprGraph
	X       *G.Node         // Batch×Inputs features
	Targets []*G.Node       // per head, Batch target symbols as float32
	Hidden  []*G.Node       // trunk activations (after ReLU)
	Logits  []*G.Node       // per head, Batch×classes
	Losses  []*CrossEntropy // per head
	Cost    *G.Node         // Σ of the head losses
	Layers  []DenseNodes    // trunk then heads, as Net.Layers
	Batch   int

	net      *nn.Net
	bn       *nn.BatchNorm // nil without batch norm
	zeros    [][]float32   // zero gradients of the running statistics
	xData    []float32
	tData    [][]float32
	params   G.Nodes
	bnParams G.Nodes // γ and β nodes of every hidden layer
	grads    G.Nodes // gradient nodes, parallel to params
	machine  G.VM
}

// NewGraph builds the training graph of net for batches of batch rows and
// its tape machine. Call Close when done. It returns ErrSpec for an invalid
// net or batch < 1.
func NewGraph(net *nn.Net, batch int) (*Graph, error) { return NewGraphBN(net, batch, nil) }

// NewGraphBN is NewGraph with batch normalisation after the affine map of
// every hidden layer and before its ReLU when bn is not nil (the op
// BatchNorm, its γ and β the learnable slices of bn, its running
// statistics updated in bn by every Run). Params and Grads then list, after
// the layers' weights, γ and β of every hidden layer (bn.Params), then the
// running statistics (bn.Stats) with gradients that are always zero, so
// that Adam leaves them alone (a zero gradient gives a zero step) while
// training.Run's best-epoch snapshot and restore keep them consistent
// with the weights. The net's weights stay unfolded while training: fold
// bn into a copy (BatchNorm.Fold) to evaluate it. It returns ErrSpec when
// bn does not fit net.
func NewGraphBN(net *nn.Net, batch int, bn *nn.BatchNorm) (*Graph, error) {
	if err := net.Check(); err != nil {
		return nil, err
	}
	if bn != nil {
		if err := bn.Check(net.Spec); err != nil {
			return nil, err
		}
	}
	if batch < 1 {
		return nil, fmt.Errorf("%w: batch size %d", nn.ErrSpec, batch)
	}
	eg := G.NewGraph()
	gr := &Graph{G: eg, net: net, bn: bn, Batch: batch}
	gr.xData = make([]float32, batch*net.Spec.Inputs)
	gr.X = G.NewMatrix(eg, tensor.Float32, G.WithShape(batch, net.Spec.Inputs), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(batch, net.Spec.Inputs), tensor.WithBacking(gr.xData))))
	h := gr.X
	for i := range net.Hidden {
		l := DenseLayer(eg, &net.Hidden[i], fmt.Sprintf("hidden%d", i))
		gr.Layers = append(gr.Layers, l)
		var err error
		if bn == nil {
			h, err = l.Apply(h, true)
		} else {
			h, err = gr.normalised(h, l, i)
		}
		if err != nil {
			return nil, err
		}
		gr.Hidden = append(gr.Hidden, h)
	}
	for i := range net.Heads {
		l := DenseLayer(eg, &net.Heads[i], fmt.Sprintf("head%d", i))
		gr.Layers = append(gr.Layers, l)
		logits, err := l.Apply(h, false)
		if err != nil {
			return nil, err
		}
		td := make([]float32, batch)
		t := G.NewVector(eg, tensor.Float32, G.WithShape(batch), G.WithName(fmt.Sprintf("target%d", i)),
			G.WithValue(tensor.New(tensor.WithShape(batch), tensor.WithBacking(td))))
		ce, err := SoftmaxCrossEntropy(logits, t)
		if err != nil {
			return nil, err
		}
		gr.tData = append(gr.tData, td)
		gr.Targets = append(gr.Targets, t)
		gr.Logits = append(gr.Logits, logits)
		gr.Losses = append(gr.Losses, ce)
		if gr.Cost == nil {
			gr.Cost = ce.Loss
		} else if gr.Cost, err = G.Add(gr.Cost, ce.Loss); err != nil {
			return nil, err
		}
	}
	for _, l := range gr.Layers {
		gr.params = append(gr.params, l.W, l.B)
	}
	gr.params = append(gr.params, gr.bnParams...)
	if bn != nil {
		for _, s := range bn.Stats() {
			gr.zeros = append(gr.zeros, make([]float32, len(s)))
		}
	}
	var err error
	if gr.grads, err = G.Grad(gr.Cost, gr.params...); err != nil {
		return nil, fmt.Errorf("nntrain: gradient graph: %w", err)
	}
	gr.machine = G.NewTapeMachine(eg)
	return gr, nil
}

// normalised returns ReLU(BatchNorm(h·W + B)) for hidden layer i, with
// γ and β nodes backed by the slices of g.bn.
func (g *Graph) normalised(h *G.Node, l DenseNodes, i int) (*G.Node, error) {
	z, err := l.Apply(h, false)
	if err != nil {
		return nil, err
	}
	node := func(v []float32, name string) *G.Node {
		t := tensor.New(tensor.WithShape(1, len(v)), tensor.WithBacking(v))
		return G.NewMatrix(g.G, tensor.Float32, G.WithShape(1, len(v)), G.WithName(fmt.Sprintf("hidden%d.%s", i, name)), G.WithValue(t))
	}
	gamma, beta := node(g.bn.Gamma[i], "gamma"), node(g.bn.Beta[i], "beta")
	g.bnParams = append(g.bnParams, gamma, beta)
	return BatchNorm(z, gamma, beta, ReLU, &RunningStats{Mean: g.bn.Mean[i], Var: g.bn.Var[i]})
}

// BatchNorm returns the batch-norm state the graph trains, nil without
// batch norm.
func (g *Graph) BatchNorm() *nn.BatchNorm { return g.bn }

// Net returns the network whose weights the graph trains.
func (g *Graph) Net() *nn.Net { return g.net }

// Params returns the weight slices in Net.Layers order (W then B of each
// layer); they are the Net's own slices. With batch norm, γ and β of every
// hidden layer follow, then its running mean and variance (see
// NewGraphBN).
func (g *Graph) Params() [][]float32 {
	ps := make([][]float32, 0, 2*len(g.Layers))
	for _, l := range g.net.Layers() {
		ps = append(ps, l.W, l.B)
	}
	if g.bn != nil {
		ps = append(ps, g.bn.Params()...)
		ps = append(ps, g.bn.Stats()...)
	}
	return ps
}

// Grads returns the gradient slices of the last Run, parallel to Params.
// They are owned by the graph and overwritten by the next Run.
func (g *Graph) Grads() ([][]float32, error) {
	gs := make([][]float32, 0, len(g.params))
	for i, p := range g.params {
		v := g.grads[i].Value()
		if v == nil {
			return nil, fmt.Errorf("%w: gradient of %s before the first Run", ErrData, p.Name())
		}
		d, _, err := float32s(v, "gradient of "+p.Name())
		if err != nil {
			return nil, err
		}
		gs = append(gs, d)
	}
	return append(gs, g.zeros...), nil
}

// Load copies a batch into the graph's inputs: x holds Batch rows of
// Spec.Inputs features (row-major), targets[h][r] the symbol of row r for
// head h. rows picks them: row r of the batch is row rows[r] of x and
// targets; nil rows means the first Batch rows in order. It panics on
// lengths that do not match; a target outside its head makes Run fail.
func (g *Graph) Load(x []float32, targets [][]int, rows []int) {
	in := g.net.Spec.Inputs
	if len(targets) != len(g.Targets) {
		panic("nntrain: Graph.Load: one target slice per head needed")
	}
	if rows != nil && len(rows) != g.Batch {
		panic("nntrain: Graph.Load: len(rows) != Batch")
	}
	for r := 0; r < g.Batch; r++ {
		src := r
		if rows != nil {
			src = rows[r]
		}
		copy(g.xData[r*in:(r+1)*in], x[src*in:(src+1)*in])
		for h, t := range targets {
			g.tData[h][r] = float32(t[src])
		}
	}
}

// Run runs the forward and backward pass on the loaded batch and returns
// the summed loss; the gradients are then in Grads. It returns ErrDiverged
// when the loss is NaN or infinite and ErrData for a target outside its
// head.
func (g *Graph) Run() (float64, error) {
	defer g.machine.Reset()
	if err := g.machine.RunAll(); err != nil {
		for _, l := range g.Losses {
			if l.op.err != nil {
				return 0, l.op.err
			}
		}
		return 0, fmt.Errorf("nntrain: running graph: %w", err)
	}
	var loss float64
	for _, l := range g.Losses {
		loss += l.LastLoss()
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("%w: loss %v", ErrDiverged, loss)
	}
	return loss, nil
}

// Close releases the tape machine.
func (g *Graph) Close() error { return g.machine.Close() }
