package nntrain

import (
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
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
// (softmax - onehot)/B, from the exponentials kept by the forward pass.
// Forward and backward split the rows between GOMAXPROCS goroutines; each
// row is computed by one goroutine and the row losses are summed in row
// order, so the results do not depend on the number of goroutines.
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
// node) against targets (a length-B float32 vector node holding class indices in [0, C) as exact integers) to their graph.
// Running the graph with a target that is not an integer in [0, C) fails
// with an ErrData error.
func SoftmaxCrossEntropy(logits, targets *G.Node) (*CrossEntropy, error) {
	if logits.Dims() != 2 || targets.Dims() != 1 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy wants a matrix of logits and a vector of targets, got shapes %v and %v", nn.ErrSpec, logits.Shape(), targets.Shape())
	}
	if logits.Shape()[0] != targets.Shape()[0] {
		return nil, fmt.Errorf("%w: %d rows of logits and %d targets", nn.ErrSpec, logits.Shape()[0], targets.Shape()[0])
	}
	if logits.Dtype() != tensor.Float32 || targets.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy of %v logits and %v targets, want both float32", nn.ErrSpec, logits.Dtype(), targets.Dtype())
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

// Err returns the error of the last forward pass (a target outside its
// head), which gorgonia's machines return wrapped beyond errors.Is.
func (c *CrossEntropy) Err() error { return c.op.err }

// opID gives every op instance its own hash, so that gorgonia never merges
// two ops on the same inputs.
var opID atomic.Uint64

type crossEntropyOp struct {
	PureOp
	id uint64
	// Forward state read by the gradient op of the same run.
	rows, classes int
	e32           []float32 // rows×classes e^(logit - row max)
	inv           []float64 // per row 1/Σ_j e^(logit_j - max)
	nll           []float64 // per row -log softmax[target]
	hit           []bool    // per row: the arg-max is the target
	targets       []int
	loss          float64
	correct       int
	err           error // of the last Do, kept because gorgonia's wrapping hides it
}

func (op *crossEntropyOp) Arity() int { return 2 }

func (op *crossEntropyOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: a}, a)
}

func (op *crossEntropyOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

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

// Do computes the loss and keeps the exponentials for the gradient op.
func (op *crossEntropyOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy takes 2 inputs, got %d", ErrData, len(inputs))
	}
	op.err = nil
	x, xs, err := float32s(inputs[0], "logits")
	if err != nil {
		return nil, err
	}
	t, _, err := float32s(inputs[1], "targets")
	if err != nil {
		return nil, err
	}
	if len(xs) != 2 {
		return nil, fmt.Errorf("%w: logits of shape %v", ErrData, xs)
	}
	rows, classes := xs[0], xs[1]
	op.rows, op.classes = rows, classes
	op.targets = nn.Grow(op.targets, rows)
	// Targets are checked first, in row order, so that the error names the
	// first bad row whatever the split between goroutines.
	if err := op.setTargets(t); err != nil {
		op.err = err
		return nil, err
	}
	op.inv = nn.Grow(op.inv, rows)
	op.nll = nn.Grow(op.nll, rows)
	op.hit = nn.Grow(op.hit, rows)
	if len(x) != rows*classes {
		return nil, fmt.Errorf("%w: %d logits for shape %v", ErrData, len(x), xs)
	}
	op.e32 = nn.Grow(op.e32, rows*classes)
	nn.ParallelFor(rows, nn.RowGrain(classes), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			op.row32(x[r*classes:(r+1)*classes], r)
		}
	})
	var total float64
	correct := 0
	for r := 0; r < rows; r++ {
		total += op.nll[r]
		if op.hit[r] {
			correct++
		}
	}
	op.loss = total / float64(rows)
	op.correct = correct
	return G.NewF32(float32(op.loss)), nil
}

func (op *crossEntropyOp) setTargets(t []float32) error {
	if len(t) != op.rows {
		return fmt.Errorf("%w: %d targets for %d rows of logits", ErrData, len(t), op.rows)
	}
	for r, tv := range t {
		k := int(tv)
		if float32(k) != tv || k < 0 || k >= op.classes {
			return fmt.Errorf("%w: row %d has target %v, classes are [0, %d)", ErrData, r, tv, op.classes)
		}
		op.targets[r] = k
	}
	return nil
}

// row32 computes row r's exponentials, normaliser, loss and hit.
func (op *crossEntropyOp) row32(x []float32, r int) {
	k := op.targets[r]
	m := nn.Max32(x)
	s := nn.ExpShiftSum32(op.e32[r*op.classes:(r+1)*op.classes], x, m)
	op.inv[r] = 1 / s
	op.nll[r] = math.Log(s) - float64(x[k]-m)
	op.hit[r] = firstMax32(x, k, m)
}

// firstMax32 reports whether x[k] is the first occurrence of the maximum m.
func firstMax32(x []float32, k int, m float32) bool {
	if x[k] != m {
		return false
	}
	for _, v := range x[:k] {
		if v == m {
			return false
		}
	}
	return true
}

// gradInto adds (or writes, when add is false) g·(softmax - onehot)/rows
// into d, which holds rows×classes values.
func (op *crossEntropyOp) gradInto(d []float32, g float64, add bool) error {
	n := op.rows * op.classes
	scale := g / float64(op.rows)
	c := op.classes
	if len(d) != n || len(op.e32) != n {
		return fmt.Errorf("%w: SoftmaxCrossEntropy gradient before its forward pass", ErrData)
	}
	nn.ParallelFor(op.rows, nn.RowGrain(c), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			a := float32(scale * op.inv[r])
			dr, er := d[r*c:(r+1)*c], op.e32[r*c:(r+1)*c]
			if add {
				for j, e := range er {
					dr[j] += a * e
				}
			} else {
				nn.Scale32(dr, er, a)
			}
			dr[op.targets[r]] -= float32(scale)
		}
	})
	return nil
}

// DiffWRT: differentiable in the logits, not in the targets.
func (op *crossEntropyOp) DiffWRT(inputs int) []bool { return []bool{true, false} }

// SymDiff returns the gradient node of the logits. The gradient op also
// takes the loss node as an input so that the tape runs it after the
// forward op, whose exponentials it reads.
func (op *crossEntropyOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropy takes 2 inputs, got %d", ErrData, len(inputs))
	}
	d, err := G.ApplyOp(&crossEntropyGradOp{fwd: op}, inputs[0], output, grad)
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
	return op.gradInto(dst, g, true)
}

// crossEntropyGradOp writes the logits' gradient into a buffer it owns and
// reuses from run to run (the tape machine forgets its registers at every
// Reset, so a preallocated output would be reallocated every batch).
type crossEntropyGradOp struct {
	PureOp
	fwd *crossEntropyOp
	out buffer
}

func (op *crossEntropyGradOp) Arity() int { return 3 }
func (op *crossEntropyGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, a, a, m)
}
func (op *crossEntropyGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%w: logits shape is %T", nn.ErrSpec, in[0])
	}
	return s.Clone(), nil
}
func (op *crossEntropyGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nn.SoftmaxCrossEntropyGrad#%d", op.fwd.id)
}
func (op *crossEntropyGradOp) Hashcode() uint32 { return hashOf(op) }
func (op *crossEntropyGradOp) String() string {
	return fmt.Sprintf("SoftmaxCrossEntropyGrad#%d", op.fwd.id)
}

// Do takes the logits, the loss (to run after the forward op) and the
// loss's gradient.
func (op *crossEntropyGradOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%w: SoftmaxCrossEntropyGrad takes 3 inputs, got %d", ErrData, len(inputs))
	}
	g, err := scalarOf(inputs[2])
	if err != nil {
		return nil, err
	}
	out := op.out.get(op.fwd.rows, op.fwd.classes)
	if err := op.fwd.gradInto(out.Data().([]float32), g, false); err != nil {
		return nil, err
	}
	return out, nil
}

func scalarOf(v G.Value) (float64, error) {
	switch t := v.(type) {
	case *G.F32:
		return float64(*t), nil
	case tensor.Tensor:
		switch d := t.Data().(type) {
		case float32:
			return float64(d), nil
		case []float32:
			if len(d) == 1 {
				return float64(d[0]), nil
			}
		}
	}
	return 0, fmt.Errorf("%w: gradient of the loss is %T, want a scalar", ErrData, v)
}

var (
	_ G.SDOp = (*crossEntropyOp)(nil)
	_ G.ADOp = (*crossEntropyOp)(nil)
)
