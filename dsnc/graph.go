package dsnc

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
)

// Dense is a dense layer as two nodes of a graph: y = x·W + B, with W an
// In×Out matrix and B a vector of Out broadcast over the rows of x.
type Dense struct {
	W, B *G.Node
}

// Forward adds x·W + B to the graph as one fused op (one BLAS matrix
// product onto the rows of B; its backward pass computes dW = xᵀ·dY,
// dB = the column sums of dY and, unless x is a leaf such as the input
// data, dx = dY·Wᵀ). x is a batch×In matrix. Cost O(batch·In·Out) per run.
func (d Dense) Forward(x *G.Node) (*G.Node, error) { return d.apply(x, nntrain.Identity) }

// apply adds act(x·W + B) as one op.
func (d Dense) apply(x *G.Node, act nntrain.Activation) (*G.Node, error) {
	y, err := nntrain.Affine(x, d.W, d.B, act)
	if err != nil {
		return nil, fmt.Errorf("dsnc: dense layer: %w", err)
	}
	return y, nil
}

// Net is a Model's parameters as nodes of one graph, made by NewNet. The
// nodes hold the model's own weight slices, so stepping Learnables with a
// gorgonia solver trains the model in place.
type Net struct {
	// Graph is the graph the nodes belong to.
	Graph *G.ExprGraph
	// Encoder holds the hidden layers, then the code layer.
	Encoder []Dense
	// Decoder is the linear decoder from a code to class scores.
	Decoder Dense
	// Symmetric is the model's Config.Symmetric: Decode reads 2b − 1.
	Symmetric bool

	en   *encoderNorm // batch norm of encoder layers (Fit with WithBatchNorm or WithCodeBatchNorm), or nil
	norm G.Nodes      // γ and β nodes of every normalised layer, bound to en's slices
}

// encoderNorm is the batch-norm state of the normalised layers of an
// encoder: entry k of bn normalises encoder layer layers[k] (the hidden
// layers with WithBatchNorm, the code layer before its sigmoid with
// WithCodeBatchNorm).
type encoderNorm struct {
	bn     *nn.BatchNorm
	layers []int
}

// newEncoderNorm returns the initial batch-norm state of m's encoder for
// the hidden layers (hidden) and the code layer (code), nil for neither.
func newEncoderNorm(m *Model, hidden, code bool) *encoderNorm {
	en := &encoderNorm{}
	var widths []int
	for i, l := range m.Encoder {
		last := i == len(m.Encoder)-1
		if (!last && hidden) || (last && code) {
			en.layers = append(en.layers, i)
			widths = append(widths, l.Out)
		}
	}
	if len(widths) == 0 {
		return nil
	}
	en.bn = nn.NewBatchNorm(nn.Spec{Hidden: widths})
	return en
}

// at returns the entry of encoder layer i, -1 when it is not normalised.
func (en *encoderNorm) at(i int) int {
	if en == nil {
		return -1
	}
	for k, l := range en.layers {
		if l == i {
			return k
		}
	}
	return -1
}

// fold folds the inference-time batch norm into m's encoder layers, in
// place.
func (en *encoderNorm) fold(m *Model) {
	for k, i := range en.layers {
		l := &m.Encoder[i]
		en.bn.FoldLayer(k, l.In, l.Out, l.W, l.B)
	}
}

// withBatchNorm makes Encode normalise the layers of en (γ, β and the
// running statistics bound without copy) and adds its γ and β nodes to
// Learnables.
func (n *Net) withBatchNorm(en *encoderNorm) {
	n.en = en
	for k, i := range en.layers {
		for j, v := range [][]float32{en.bn.Gamma[k], en.bn.Beta[k]} {
			name := fmt.Sprintf("enc%d.%s", i, [2]string{"gamma", "beta"}[j])
			n.norm = append(n.norm, G.NewMatrix(n.Graph, tensor.Float32, G.WithShape(1, len(v)), G.WithName(name),
				G.WithValue(tensor.New(tensor.WithShape(1, len(v)), tensor.WithBacking(v)))))
		}
	}
}

// NewNet adds m's parameters to g as learnable nodes bound to m's weight
// slices (no copy). It returns ErrNotFitted for a model without a network
// (call Init), ErrConfig for a nil m or an invalid m.Config, and ErrShape
// or ErrNonFinite when m is inconsistent.
func NewNet(g *G.ExprGraph, m *Model) (*Net, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	n := &Net{Graph: g, Symmetric: m.Config.Symmetric}
	dense := func(l Layer, name string) Dense {
		return Dense{
			W: G.NewMatrix(g, tensor.Float32, G.WithShape(l.In, l.Out), G.WithName(name+".W"),
				G.WithValue(tensor.New(tensor.WithShape(l.In, l.Out), tensor.WithBacking(l.W)))),
			B: G.NewVector(g, tensor.Float32, G.WithShape(l.Out), G.WithName(name+".B"),
				G.WithValue(tensor.New(tensor.WithShape(l.Out), tensor.WithBacking(l.B)))),
		}
	}
	for i, l := range m.Encoder {
		n.Encoder = append(n.Encoder, dense(l, fmt.Sprintf("enc%d", i)))
	}
	n.Decoder = dense(m.Decoder, "dec")
	return n, nil
}

// Learnables returns the weight and bias nodes of every layer, encoder
// first: the nodes to differentiate with G.Grad and to step with a solver.
// In a graph that Fit builds with WithBatchNorm or WithCodeBatchNorm, γ
// and β of every normalised layer follow.
func (n *Net) Learnables() G.Nodes {
	var out G.Nodes
	for _, d := range n.Encoder {
		out = append(out, d.W, d.B)
	}
	return append(append(out, n.Decoder.W, n.Decoder.B), n.norm...)
}

// Encode adds the encoder to the graph: the hidden layers with ReLU, then
// the code layer with a sigmoid, giving the bit probabilities φ(x) as a
// batch×Bits matrix. x is a batch×Features matrix. Each layer is one fused
// op (matrix product, bias and activation).
func (n *Net) Encode(x *G.Node) (*G.Node, error) {
	if len(n.Encoder) == 0 {
		return nil, fmt.Errorf("%w: no encoder layers", ErrShape)
	}
	h := x
	for i, d := range n.Encoder {
		act := nntrain.ReLU
		if i == len(n.Encoder)-1 {
			act = nntrain.Sigmoid
		}
		var err error
		if k := n.en.at(i); k >= 0 {
			h, err = n.normalised(h, d, k, act)
		} else {
			h, err = d.apply(h, act)
		}
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}

// normalised adds act(BatchNorm(x·W + B)) of the layer of entry k of n.en.
func (n *Net) normalised(x *G.Node, d Dense, k int, act nntrain.Activation) (*G.Node, error) {
	z, err := d.apply(x, nntrain.Identity)
	if err != nil {
		return nil, err
	}
	bn := n.en.bn
	h, err := nntrain.BatchNorm(z, n.norm[2*k], n.norm[2*k+1], act, &nntrain.RunningStats{Mean: bn.Mean[k], Var: bn.Var[k]})
	if err != nil {
		return nil, fmt.Errorf("dsnc: batch norm: %w", err)
	}
	return h, nil
}

// Decode adds the linear decoder to the graph: the batch×Classes scores
// b·W + B of a batch×Bits code matrix b (the input of a softmax) or, when
// the net is Symmetric, (2b − 1)·W + B, the 0/1 code mapped to ±1 by one
// more elementwise node (its gradient is twice the incoming one).
func (n *Net) Decode(b *G.Node) (*G.Node, error) {
	if n.Symmetric {
		twice, err := G.Mul(b, G.NewConstant(float32(2)))
		if err != nil {
			return nil, fmt.Errorf("dsnc: symmetric code 2b: %w", err)
		}
		if b, err = G.Sub(twice, G.NewConstant(float32(1))); err != nil {
			return nil, fmt.Errorf("dsnc: symmetric code 2b−1: %w", err)
		}
	}
	return n.Decoder.Forward(b)
}

// SoftmaxLoss is the decoder's loss on a batch, built by NLL.
type SoftmaxLoss struct {
	// Loss is the mean negative log-likelihood, a scalar.
	Loss *G.Node
	// LogP holds the batch×Classes log-probabilities log softmax(logits).
	LogP *G.Node
	// TrueLogP holds each row's log-probability of its true class, a vector.
	TrueLogP *G.Node
}

// NLL adds the mean negative log-likelihood of a softmax over the rows of
// logits (batch×Classes) to the graph, with the labels given as a one-hot
// batch×Classes matrix: the loss L of paper eq. 5–6, from gorgonia's own
// ops (log-softmax, product with the one-hot matrix, sums), so that its
// intermediate values can be read. CrossEntropy computes the same loss as
// one fused op about an order of magnitude faster and is what
// NewTrainingGraph uses. Cost O(batch·Classes) per run.
func NLL(logits, onehot *G.Node) (*SoftmaxLoss, error) {
	logp, err := G.LogSoftMax(logits)
	if err != nil {
		return nil, fmt.Errorf("dsnc: log-softmax: %w", err)
	}
	yl, err := G.HadamardProd(onehot, logp)
	if err != nil {
		return nil, fmt.Errorf("dsnc: one-hot × log p: %w", err)
	}
	trueLogP, err := G.Sum(yl, 1)
	if err != nil {
		return nil, fmt.Errorf("dsnc: row sums: %w", err)
	}
	mean, err := G.Mean(trueLogP)
	if err != nil {
		return nil, fmt.Errorf("dsnc: mean: %w", err)
	}
	loss, err := G.Neg(mean)
	if err != nil {
		return nil, fmt.Errorf("dsnc: negate: %w", err)
	}
	return &SoftmaxLoss{Loss: loss, LogP: logp, TrueLogP: trueLogP}, nil
}

// CrossEntropyLoss is the fused loss made by CrossEntropy.
type CrossEntropyLoss struct {
	// Loss is the mean negative log-likelihood, a scalar node.
	Loss *G.Node
	ce   *nntrain.CrossEntropy
}

// CrossEntropy adds the mean negative log-likelihood of a softmax over the
// rows of logits (batch×Classes) against labels (a vector of batch class
// indices, stored as exact integers in float32) to the graph as
// one op: the loss L of paper eq. 5–6, equal to NLL's up to rounding. The
// forward pass keeps the exponentials, the backward pass writes
// (softmax − onehot)/batch from them; both split the rows between
// GOMAXPROCS goroutines without changing any result. No one-hot matrix,
// no separate softmax node (gorgonia merges SoftMax and LogSoftMax nodes
// of the same input). Running the graph with a label that is not an
// integer in [0, Classes) fails. It returns ErrShape when logits is not a
// matrix, labels not a vector of as many rows, or either is not float32.
// Cost O(batch·Classes) per run, one exp per logit.
func CrossEntropy(logits, labels *G.Node) (*CrossEntropyLoss, error) {
	ce, err := nntrain.SoftmaxCrossEntropy(logits, labels)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrShape, err)
	}
	return &CrossEntropyLoss{Loss: ce.Loss, ce: ce}, nil
}

// Last returns the loss of the last run of the graph.
func (l *CrossEntropyLoss) Last() float64 { return l.ce.LastLoss() }

// Correct returns how many rows of the last run had their largest logit
// at their label (ties: the smallest class).
func (l *CrossEntropyLoss) Correct() int { return l.ce.Correct() }

// Regulariser is the latent-space regulariser of paper eq. 7–8 on one
// minibatch, built by NewRegulariser:
//
//	Cost = β·Intra − γ·Inter
//	Intra = mean of ‖φ(xᵢ) − φ(xⱼ)‖² over ordered pairs i ≠ j with yᵢ = yⱼ
//	Inter = mean of ‖φ(xᵢ) − φ(xⱼ)‖² over pairs with yᵢ ≠ yⱼ
//
// (the paper writes sums; means keep β and γ independent of the batch size).
// The pair masks, β and γ are inputs of the graph, set for each batch with
// SetBatch; a batch with no same-class (or no different-class) pair gives
// that term 0. It is computed without forming the pairwise differences:
// Σᵢⱼ Mᵢⱼ‖pᵢ − pⱼ‖² = 2·Σᵢ rᵢ‖pᵢ‖² − 2·Σᵢⱼ Mᵢⱼ pᵢ·pⱼ for a symmetric
// mask M with row sums r, at a cost of O(batch²·Bits) per run.
type Regulariser struct {
	// Intra and Inter are the two scalar mean squared distances.
	Intra, Inter *G.Node
	// Beta and Gamma are the scalar weights, inputs of the graph.
	Beta, Gamma *G.Node
	// Cost is Beta·Intra − Gamma·Inter.
	Cost *G.Node

	batch      int
	same, diff *tensor.Dense // batch×batch masks, each normalised to sum 1
	sameR      *tensor.Dense // row sums of same
	diffR      *tensor.Dense // row sums of diff
}

// NewRegulariser adds the regulariser of the batch×Bits probabilities
// probs (φ(x), the output of Net.Encode) to probs's graph. The masks start
// empty and β = γ = 0: call SetBatch before running the graph. It
// returns ErrShape unless probs is a float32 matrix.
func NewRegulariser(probs *G.Node) (*Regulariser, error) {
	s := probs.Shape()
	if len(s) != 2 {
		return nil, fmt.Errorf("%w: regulariser needs a batch×bits matrix, got shape %v", ErrShape, s)
	}
	if probs.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("%w: regulariser needs float32 probabilities, got %v", ErrShape, probs.Dtype())
	}
	g, dt, n := probs.Graph(), tensor.Float32, s[0]
	r := &Regulariser{
		batch: n,
		same:  tensor.New(tensor.Of(dt), tensor.WithShape(n, n)),
		diff:  tensor.New(tensor.Of(dt), tensor.WithShape(n, n)),
		sameR: tensor.New(tensor.Of(dt), tensor.WithShape(n)),
		diffR: tensor.New(tensor.Of(dt), tensor.WithShape(n)),
	}
	r.Beta = G.NewScalar(g, dt, G.WithName("reg.beta"), G.WithValue(float32(0)))
	r.Gamma = G.NewScalar(g, dt, G.WithName("reg.gamma"), G.WithValue(float32(0)))
	sameN := G.NewMatrix(g, dt, G.WithShape(n, n), G.WithName("reg.same"), G.WithValue(r.same))
	diffN := G.NewMatrix(g, dt, G.WithShape(n, n), G.WithName("reg.diff"), G.WithValue(r.diff))
	sameRN := G.NewVector(g, dt, G.WithShape(n), G.WithName("reg.sameRows"), G.WithValue(r.sameR))
	diffRN := G.NewVector(g, dt, G.WithShape(n), G.WithName("reg.diffRows"), G.WithValue(r.diffR))

	pt, err := G.Transpose(probs)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser transpose: %w", err)
	}
	gram, err := G.Mul(probs, pt)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser gram: %w", err)
	}
	sq, err := G.Square(probs)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser square: %w", err)
	}
	norms, err := G.Sum(sq, 1)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser norms: %w", err)
	}
	two := G.NewConstant(float32(2))
	meanDist := func(mask, rows *G.Node) (*G.Node, error) {
		// 2·Σ rᵢ‖pᵢ‖² − 2·Σ M∘(P·Pᵀ)
		a, err := G.Sum(G.Must(G.HadamardProd(norms, rows)))
		if err != nil {
			return nil, err
		}
		b, err := G.Sum(G.Must(G.HadamardProd(mask, gram)))
		if err != nil {
			return nil, err
		}
		d, err := G.Sub(a, b)
		if err != nil {
			return nil, err
		}
		return G.Mul(two, d)
	}
	if r.Intra, err = meanDist(sameN, sameRN); err != nil {
		return nil, fmt.Errorf("dsnc: regulariser intra-class term: %w", err)
	}
	if r.Inter, err = meanDist(diffN, diffRN); err != nil {
		return nil, fmt.Errorf("dsnc: regulariser inter-class term: %w", err)
	}
	bi, err := G.Mul(r.Beta, r.Intra)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser β·intra: %w", err)
	}
	gi, err := G.Mul(r.Gamma, r.Inter)
	if err != nil {
		return nil, fmt.Errorf("dsnc: regulariser γ·inter: %w", err)
	}
	if r.Cost, err = G.Sub(bi, gi); err != nil {
		return nil, fmt.Errorf("dsnc: regulariser cost: %w", err)
	}
	return r, nil
}

// SetBatch sets the pair masks from the labels of the batch's rows and the
// weights β and γ. It returns ErrShape when len(labels) is not the batch
// size and ErrConfig for a negative or non-finite weight. Cost O(batch²).
func (r *Regulariser) SetBatch(labels []int, beta, gamma float64) error {
	n := r.batch
	if len(labels) != n {
		return fmt.Errorf("%w: %d labels for a batch of %d", ErrShape, len(labels), n)
	}
	if !(beta >= 0 && gamma >= 0) || math.IsInf(beta, 0) || math.IsInf(gamma, 0) {
		return fmt.Errorf("%w: regulariser weights β=%v γ=%v", ErrConfig, beta, gamma)
	}
	var nSame, nDiff int
	for i := range labels {
		for j := range labels {
			if i != j {
				if labels[i] == labels[j] {
					nSame++
				} else {
					nDiff++
				}
			}
		}
	}
	ws, wd := 0.0, 0.0
	if nSame > 0 {
		ws = 1 / float64(nSame)
	}
	if nDiff > 0 {
		wd = 1 / float64(nDiff)
	}
	fillMasks(r.same.Data().([]float32), r.diff.Data().([]float32), r.sameR.Data().([]float32), r.diffR.Data().([]float32), labels, float32(ws), float32(wd))
	if err := G.Let(r.Beta, float32(beta)); err != nil {
		return fmt.Errorf("dsnc: set β: %w", err)
	}
	if err := G.Let(r.Gamma, float32(gamma)); err != nil {
		return fmt.Errorf("dsnc: set γ: %w", err)
	}
	return nil
}

func fillMasks(same, diff, sameR, diffR []float32, labels []int, ws, wd float32) {
	n := len(labels)
	for i, yi := range labels {
		var rs, rd float32
		for j, yj := range labels {
			var s, d float32
			if i != j {
				if yi == yj {
					s = ws
				} else {
					d = wd
				}
			}
			same[i*n+j], diff[i*n+j] = s, d
			rs += s
			rd += d
		}
		sameR[i], diffR[i] = rs, rd
	}
}
