package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// CrossEntropy is the fused softmax and negative log-likelihood of one
// softmax head in a gorgonia graph: Loss is the scalar
//
//	-(1/B) Σ_r log softmax(logits_r)[target_r]
//
// over the B rows of a batch. One op computes it (no separate softmax node,
// so gorgonia's SoftMax/LogSoftMax node-merging bug cannot bite, and no
// one-hot target matrix), and its gradient with respect to the logits is
// (softmax - onehot)/B, from the probabilities kept by the forward pass.
//
// The op also counts, in the same pass, the rows whose arg-max logit is the
// target; read it with Correct after the graph ran. The op belongs to one
// graph run by one machine at a time.
type CrossEntropy struct {
	// Loss is the scalar loss node.
	Loss *G.Node
	op   *crossEntropyOp
}

// SoftmaxCrossEntropy adds the fused loss of logits (a B×C float32 matrix
// node) against targets (a length-B float32 vector node holding class
// indices in [0, C) as exact integers) to their graph. Running the graph
// with a target that is not an integer in [0, C) fails with an ErrData
// error.
func SoftmaxCrossEntropy(logits, targets *G.Node) (*CrossEntropy, error) {
	if logits.Dims() != 2 || targets.Dims() != 1 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy wants a matrix of logits and a vector of targets, got shapes %v and %v", ErrSpec, logits.Shape(), targets.Shape())
	}
	if logits.Shape()[0] != targets.Shape()[0] {
		return nil, fmt.Errorf("%w: %d rows of logits and %d targets", ErrSpec, logits.Shape()[0], targets.Shape()[0])
	}
	op := &crossEntropyOp{id: opID.Add(1)}
	loss, err := G.ApplyOp(op, logits, targets)
	if err != nil {
		return nil, err
	}
	return &CrossEntropy{Loss: loss, op: op}, nil
}

// LastLoss returns the loss computed by the last run of the graph.
func (c *CrossEntropy) LastLoss() float64 { return c.op.loss }

// Correct returns how many rows of the last run's batch had their largest
// logit at the target (ties: the smallest index).
func (c *CrossEntropy) Correct() int { return c.op.correct }

// opID gives every op instance its own hash, so that gorgonia never merges
// two loss nodes on the same logits.
var opID atomic.Uint64

type crossEntropyOp struct {
	id uint64
	// Forward state read by the gradient op of the same run.
	probs   []float32 // rows×classes softmax of the last forward
	rows    int
	classes int
	loss    float64
	correct int
	err     error // of the last Do, kept because gorgonia's wrapping hides it
}

func (op *crossEntropyOp) Arity() int { return 2 }

func (op *crossEntropyOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: a}, a)
}

func (op *crossEntropyOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op *crossEntropyOp) ReturnsPtr() bool     { return false }
func (op *crossEntropyOp) CallsExtern() bool    { return false }
func (op *crossEntropyOp) OverwritesInput() int { return -1 }
func (op *crossEntropyOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nn.SoftmaxCrossEntropy#%d", op.id)
}
func (op *crossEntropyOp) Hashcode() uint32 { return hashOf(op) }
func (op *crossEntropyOp) String() string   { return fmt.Sprintf("SoftmaxCrossEntropy#%d", op.id) }

func hashOf(op G.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func float32s(v G.Value, what string) ([]float32, tensor.Shape, error) {
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s is %T, want a float32 tensor", ErrData, what, v)
	}
	d, ok := t.Data().([]float32)
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s holds %T, want []float32", ErrData, what, t.Data())
	}
	return d, t.Shape(), nil
}

func scalarOf(v G.Value) (float32, error) {
	switch t := v.(type) {
	case *G.F32:
		return float32(*t), nil
	case *G.F64:
		return float32(*t), nil
	case tensor.Tensor:
		switch d := t.Data().(type) {
		case float32:
			return d, nil
		case []float32:
			if len(d) == 1 {
				return d[0], nil
			}
		case float64:
			return float32(d), nil
		}
	}
	return 0, fmt.Errorf("%w: gradient of the loss is %T, want a scalar", ErrData, v)
}

// Do computes the loss and keeps the softmax for the gradient op.
func (op *crossEntropyOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy takes 2 inputs, got %d", ErrData, len(inputs))
	}
	x, xs, err := float32s(inputs[0], "logits")
	if err != nil {
		return nil, err
	}
	t, _, err := float32s(inputs[1], "targets")
	if err != nil {
		return nil, err
	}
	op.err = nil
	rows := len(t)
	if len(xs) != 2 || xs[0] != rows {
		return nil, fmt.Errorf("%w: logits of shape %v for %d targets", ErrData, xs, rows)
	}
	classes := xs[1]
	op.rows, op.classes = rows, classes
	op.probs = grow(op.probs, rows*classes)
	var total float64
	correct := 0
	for r := 0; r < rows; r++ {
		tv := t[r]
		k := int(tv)
		if float32(k) != tv || k < 0 || k >= classes {
			op.err = fmt.Errorf("%w: row %d has target %v, classes are [0, %d)", ErrData, r, tv, classes)
			return nil, op.err
		}
		nll, best := softmaxRow(x[r*classes:(r+1)*classes], op.probs[r*classes:(r+1)*classes], k)
		total += nll
		if best == k {
			correct++
		}
	}
	op.loss = total / float64(rows)
	op.correct = correct
	return G.NewF32(float32(op.loss)), nil
}

// softmaxRow writes softmax(x) into p and returns -log p[k] and the arg-max
// of x (first on ties).
func softmaxRow(x, p []float32, k int) (nll float64, best int) {
	m := x[0]
	for j, v := range x {
		if v > m {
			m, best = v, j
		}
	}
	var s float64
	for j, v := range x {
		e := math.Exp(float64(v - m))
		p[j] = float32(e)
		s += e
	}
	inv := float32(1 / s)
	for j := range p {
		p[j] *= inv
	}
	return math.Log(s) - float64(x[k]-m), best
}

// gradInto adds (or writes, when add is false) g·(softmax - onehot)/rows
// into dst.
func (op *crossEntropyOp) gradInto(dst, targets []float32, g float32, add bool) error {
	if len(dst) != op.rows*op.classes || len(targets) != op.rows {
		return fmt.Errorf("%w: SoftmaxCrossEntropy gradient before its forward pass", ErrData)
	}
	scale := g / float32(op.rows)
	for i, p := range op.probs {
		if add {
			dst[i] += scale * p
		} else {
			dst[i] = scale * p
		}
	}
	for r, tv := range targets {
		dst[r*op.classes+int(tv)] -= scale
	}
	return nil
}

// DiffWRT: differentiable in the logits, not in the targets.
func (op *crossEntropyOp) DiffWRT(inputs int) []bool { return []bool{true, false} }

// SymDiff returns the gradient node of the logits. The gradient op also
// takes the loss node as an input so that the tape runs it after the
// forward op, whose probabilities it reads.
func (op *crossEntropyOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy takes 2 inputs, got %d", ErrData, len(inputs))
	}
	d, err := G.ApplyOp(&crossEntropyGradOp{op}, inputs[0], inputs[1], output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil}, nil
}

// DoDiff is the LispMachine path: it adds the gradient into the logits'
// dual value.
func (op *crossEntropyOp) DoDiff(ctx G.ExecutionContext, inputs G.Nodes, output *G.Node) error {
	gv, err := output.Grad()
	if err != nil {
		return err
	}
	g, err := scalarOf(gv)
	if err != nil {
		return err
	}
	xg, err := inputs[0].Grad()
	if err != nil {
		return err
	}
	dst, _, err := float32s(xg, "logits gradient")
	if err != nil {
		return err
	}
	t, _, err := float32s(inputs[1].Value(), "targets")
	if err != nil {
		return err
	}
	return op.gradInto(dst, t, g, true)
}

type crossEntropyGradOp struct{ fwd *crossEntropyOp }

func (op *crossEntropyGradOp) Arity() int { return 4 }
func (op *crossEntropyGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, G.TensorType{Dims: 1, Of: a}, a, a, m)
}
func (op *crossEntropyGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%w: logits shape is %T", ErrSpec, in[0])
	}
	return s.Clone(), nil
}
func (op *crossEntropyGradOp) ReturnsPtr() bool     { return false }
func (op *crossEntropyGradOp) CallsExtern() bool    { return false }
func (op *crossEntropyGradOp) OverwritesInput() int { return -1 }
func (op *crossEntropyGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nn.SoftmaxCrossEntropyGrad#%d", op.fwd.id)
}
func (op *crossEntropyGradOp) Hashcode() uint32 { return hashOf(op) }
func (op *crossEntropyGradOp) String() string {
	return fmt.Sprintf("SoftmaxCrossEntropyGrad#%d", op.fwd.id)
}

func (op *crossEntropyGradOp) Do(inputs ...G.Value) (G.Value, error) {
	out := tensor.New(tensor.WithShape(op.fwd.rows, op.fwd.classes), tensor.Of(tensor.Float32))
	return op.UsePreallocDo(out, inputs...)
}

// UsePreallocDo writes the gradient into prealloc when it has the right
// size, so that the tape machine reuses its register across batches.
func (op *crossEntropyGradOp) UsePreallocDo(prealloc G.Value, inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 4 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropyGrad takes 4 inputs, got %d", ErrData, len(inputs))
	}
	t, _, err := float32s(inputs[1], "targets")
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(inputs[3])
	if err != nil {
		return nil, err
	}
	dst, _, err := float32s(prealloc, "gradient buffer")
	if err != nil || len(dst) != op.fwd.rows*op.fwd.classes {
		out := tensor.New(tensor.WithShape(op.fwd.rows, op.fwd.classes), tensor.Of(tensor.Float32))
		prealloc, dst = out, out.Data().([]float32)
	}
	if err := op.fwd.gradInto(dst, t, g, false); err != nil {
		return nil, err
	}
	return prealloc, nil
}

var (
	_ G.SDOp            = (*crossEntropyOp)(nil)
	_ G.ADOp            = (*crossEntropyOp)(nil)
	_ G.UsePreallocDoer = (*crossEntropyGradOp)(nil)
)
