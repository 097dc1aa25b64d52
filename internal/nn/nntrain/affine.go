package nntrain

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/enum"
	"github.com/labelcode/labelcode/internal/nn"
)

// Activation is the nonlinearity Affine applies after x·W + b.
type Activation uint8

const (
	// Identity applies none: y = x·W + b.
	Identity Activation = iota
	// ReLU is max(0, ·).
	ReLU
	// Sigmoid is 1/(1+e^-·).
	Sigmoid
)

var activationNames = []string{Identity: "identity", ReLU: "relu", Sigmoid: "sigmoid"}

// String returns "identity", "relu" or "sigmoid".
func (a Activation) String() string { return enum.Name(activationNames, a, "Activation") }

// PureOp gives a custom gorgonia op, by embedding, the three answers
// every op of this module shares: its value is a fresh result (not a
// pointer into an input), it calls nothing external, and it overwrites no
// input.
type PureOp struct{}

// ReturnsPtr reports false.
func (PureOp) ReturnsPtr() bool { return false }

// CallsExtern reports false.
func (PureOp) CallsExtern() bool { return false }

// OverwritesInput reports -1: no input is overwritten.
func (PureOp) OverwritesInput() int { return -1 }

// Affine adds y = act(x·W + b) to the graph of x as one op: x is a B×In
// matrix node, w an In×Out matrix node and b a vector of Out or a 1×Out
// matrix node, all float32. Forward is one BLAS matrix
// product onto the rows of b plus the activation; backward is the
// activation's derivative (one elementwise pass, skipped for Identity),
// dW = xᵀ·dZ and dx = dZ·Wᵀ (one BLAS product each) and db = the column
// sums of dZ, each a node of its own that writes into a buffer it keeps
// from run to run, so a training step allocates nothing. The elementwise
// passes split rows or columns between GOMAXPROCS goroutines without
// changing any result, and the products run on the BLAS of blas32
// (OpenBLAS in a build with the openblas tag).
//
// The op is differentiable in w and b, and in x when x is computed by an
// op (a hidden layer's output); a leaf x (the input data) gets no
// gradient, which saves the product dZ·Wᵀ of the first layer: G.Grad then
// refuses x as a wrt node. Both gorgonia machines are supported (SymDiff
// for the tape machine, DoDiff for the LispMachine).
//
// It returns ErrSpec for shapes that do not fit, an input that is not
// float32, or an unknown activation.
func Affine(x, w, b *G.Node, act Activation) (*G.Node, error) {
	if act > Sigmoid {
		return nil, fmt.Errorf("%w: activation %d", nn.ErrSpec, act)
	}
	if x.Dims() != 2 || w.Dims() != 2 {
		return nil, fmt.Errorf("%w: Affine wants matrices x and W, got shapes %v and %v", nn.ErrSpec, x.Shape(), w.Shape())
	}
	in, out := w.Shape()[0], w.Shape()[1]
	if x.Shape()[1] != in {
		return nil, fmt.Errorf("%w: x is %v, W is %v", nn.ErrSpec, x.Shape(), w.Shape())
	}
	bs := b.Shape()
	if !(b.Dims() == 1 && bs[0] == out) && !(b.Dims() == 2 && bs[0] == 1 && bs[1] == out) {
		return nil, fmt.Errorf("%w: bias of shape %v for %d outputs", nn.ErrSpec, bs, out)
	}
	dt := x.Dtype()
	if dt != tensor.Float32 || w.Dtype() != dt || b.Dtype() != dt {
		return nil, fmt.Errorf("%w: Affine of %v, %v and %v, want all float32", nn.ErrSpec, dt, w.Dtype(), b.Dtype())
	}
	op := &affineOp{id: opID.Add(1), act: act, inputGrad: x.Op() != nil, bShape: bs.Clone()}
	return G.ApplyOp(op, x, w, b)
}

type affineOp struct {
	PureOp
	id        uint64
	act       Activation
	inputGrad bool
	bShape    tensor.Shape
	out       buffer
}

func (op *affineOp) Arity() int { return 3 }

func (op *affineOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, m, G.TensorType{Dims: len(op.bShape), Of: a}, m)
}

func (op *affineOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("%w: Affine takes 3 inputs, got %d", nn.ErrSpec, len(in))
	}
	xs, ok1 := in[0].(tensor.Shape)
	ws, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || len(xs) != 2 || len(ws) != 2 {
		return nil, fmt.Errorf("%w: Affine input shapes %v and %v", nn.ErrSpec, in[0], in[1])
	}
	return tensor.Shape{xs[0], ws[1]}, nil
}

func (op *affineOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "nn.Affine#%d", op.id) }
func (op *affineOp) Hashcode() uint32      { return hashOf(op) }
func (op *affineOp) String() string        { return fmt.Sprintf("Affine(%v)#%d", op.act, op.id) }

// matrix is a row-major matrix of float32 values.
type matrix struct {
	rows, cols int
	f32        []float32
}

func matrixOf(v G.Value, what string) (matrix, error) {
	d, s, err := float32s(v, what)
	if err != nil {
		return matrix{}, err
	}
	m := matrix{rows: 1, cols: 1, f32: d}
	switch len(s) {
	case 0:
	case 1:
		m.cols = s[0]
	case 2:
		m.rows, m.cols = s[0], s[1]
	default:
		return matrix{}, fmt.Errorf("%w: %s has shape %v", ErrData, what, s)
	}
	if n := len(m.f32); n != m.rows*m.cols {
		return matrix{}, fmt.Errorf("%w: %s holds %d values for shape %v", ErrData, what, n, s)
	}
	return m, nil
}

func (m matrix) b32() blas32.General {
	return blas32.General{Rows: m.rows, Cols: m.cols, Stride: m.cols, Data: m.f32}
}

// product sets c = op(a)·op(b) + beta·c.
func product(tA, tB blas.Transpose, a, b matrix, beta float32, c matrix) error {
	ar, ac := a.rows, a.cols
	if tA == blas.Trans {
		ar, ac = ac, ar
	}
	br, bc := b.rows, b.cols
	if tB == blas.Trans {
		br, bc = bc, br
	}
	if ac != br || ar != c.rows || bc != c.cols {
		return fmt.Errorf("%w: product of %d×%d and %d×%d into %d×%d", ErrData, ar, ac, br, bc, c.rows, c.cols)
	}
	if c.rows == 0 || c.cols == 0 {
		return nil
	}
	if ac == 0 {
		c.scale(beta)
		return nil
	}
	blas32.Gemm(tA, tB, 1, a.b32(), b.b32(), beta, c.b32())
	return nil
}

func (m matrix) scale(beta float32) {
	for i := range m.f32 {
		m.f32[i] *= beta
	}
}

func (op *affineOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%w: Affine takes 3 inputs, got %d", ErrData, len(inputs))
	}
	x, err := matrixOf(inputs[0], "Affine x")
	if err != nil {
		return nil, err
	}
	w, err := matrixOf(inputs[1], "Affine W")
	if err != nil {
		return nil, err
	}
	b, err := matrixOf(inputs[2], "Affine b")
	if err != nil {
		return nil, err
	}
	if b.rows*b.cols != w.cols {
		return nil, fmt.Errorf("%w: %d biases for %d outputs", ErrData, b.rows*b.cols, w.cols)
	}
	out := op.out.get(x.rows, w.cols)
	y, err := matrixOf(out, "Affine output")
	if err != nil {
		return nil, err
	}
	n := y.cols
	for r := 0; r < y.rows; r++ {
		copy(y.f32[r*n:(r+1)*n], b.f32)
	}
	if err := product(blas.NoTrans, blas.NoTrans, x, w, 1, y); err != nil {
		return nil, err
	}
	activate(op.act, y)
	return out, nil
}

// activate applies act to every element of y in place.
func activate(act Activation, y matrix) {
	if act == Identity {
		return
	}
	nn.ParallelFor(y.rows, nn.RowGrain(y.cols), func(lo, hi int) {
		a, b := lo*y.cols, hi*y.cols
		if act == ReLU {
			nn.Rectify(y.f32[a:b])
			return
		}
		for i, v := range y.f32[a:b] {
			y.f32[a+i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	})
}

// activationGrad sets dz = dy·act'(z), from the activation's output y;
// add accumulates into dz instead.
func activationGrad(act Activation, dz, dy, y matrix, add bool) {
	cols := y.cols
	nn.ParallelFor(y.rows, nn.RowGrain(cols), func(lo, hi int) {
		a, b := lo*cols, hi*cols
		z, d, o := dz.f32[a:b], dy.f32[a:b], y.f32[a:b]
		if act == ReLU && !add {
			if n := len(z) &^ 7; haveAVX2 && n > 0 {
				reluGradAVX2(&z[0], &d[0], &o[0], n)
				z, d, o = z[n:], d[n:], o[n:]
			}
		}
		for i := range z {
			var g float32
			switch act {
			case Identity:
				g = d[i]
			case ReLU:
				if o[i] > 0 {
					g = d[i]
				}
			case Sigmoid:
				g = d[i] * o[i] * (1 - o[i])
			}
			if add {
				z[i] += g
			} else {
				z[i] = g
			}
		}
	})
}

// columnSums sets (or, with add, adds to) db[j] the sum over the rows of
// dz of column j, summed in row order; columns are split between
// goroutines.
func columnSums(db, dz matrix, add bool) {
	cols := dz.cols
	nn.ParallelFor(cols, max(64, nn.ParallelMin/max(dz.rows, 1)), func(lo, hi int) {
		s := db.f32[lo:hi]
		if !add {
			clear(s)
		}
		if haveFMA && hi-lo >= 8 {
			// The FMA kernel with unit weights adds the rows in row order,
			// each sum rounded once: the same bits as the loop below.
			nn.SumRows(s, dz.f32[lo:], cols, iota32(dz.rows), nil)
			return
		}
		for r := 0; r < dz.rows; r++ {
			row := dz.f32[r*cols+lo : r*cols+hi]
			for j, v := range row {
				s[j] += v
			}
		}
	})
}

// iota32 returns a read-only slice 0, 1, ..., n-1.
func iota32(n int) []int32 {
	if n <= len(iotaSlice) {
		return iotaSlice[:n]
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(i)
	}
	return v
}

var iotaSlice = func() []int32 {
	v := make([]int32, 4096)
	for i := range v {
		v[i] = int32(i)
	}
	return v
}()

// DiffWRT: w and b always; x when it is computed by an op.
func (op *affineOp) DiffWRT(inputs int) []bool { return []bool{op.inputGrad, true, true} }

// SymDiff returns the gradient nodes of x (nil for a leaf x), W and b.
func (op *affineOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%w: Affine takes 3 inputs, got %d", nn.ErrSpec, len(inputs))
	}
	dz := grad
	if op.act != Identity {
		var err error
		if dz, err = G.ApplyOp(&affineGradOp{fwd: op, kind: gradActivation}, grad, output); err != nil {
			return nil, err
		}
	}
	var dx *G.Node
	if op.inputGrad {
		var err error
		if dx, err = G.ApplyOp(&affineGradOp{fwd: op, kind: gradInput}, dz, inputs[1]); err != nil {
			return nil, err
		}
	}
	dw, err := G.ApplyOp(&affineGradOp{fwd: op, kind: gradWeights}, inputs[0], dz)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&affineGradOp{fwd: op, kind: gradBias}, dz)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// preActivationGrad is the start of a three-input op's DoDiff (the
// LispMachine path): the gradient of the loss with respect to the op's
// output before its activation act, from the output's value and dual
// value. It returns ErrSpec unless there are 3 inputs.
func preActivationGrad(name string, inputs G.Nodes, output *G.Node, act Activation) (matrix, error) {
	if len(inputs) != 3 {
		return matrix{}, fmt.Errorf("%w: %s takes 3 inputs, got %d", nn.ErrSpec, name, len(inputs))
	}
	gv, err := output.Grad()
	if err != nil {
		return matrix{}, err
	}
	dy, err := matrixOf(gv, name+" output gradient")
	if err != nil {
		return matrix{}, err
	}
	y, err := matrixOf(output.Value(), name+" output")
	if err != nil {
		return matrix{}, err
	}
	if act == Identity {
		return dy, nil
	}
	d := matrix{rows: y.rows, cols: y.cols, f32: make([]float32, len(y.f32))}
	activationGrad(act, d, dy, y, false)
	return d, nil
}

// dualGrad returns the dual value (the gradient buffer) of an op's input
// n as a matrix.
func dualGrad(name string, n *G.Node) (matrix, error) {
	v, err := n.Grad()
	if err != nil {
		return matrix{}, err
	}
	return matrixOf(v, name+" input gradient")
}

// DoDiff is the LispMachine path: it adds the gradients into the dual
// values of x (when differentiable), W and b.
func (op *affineOp) DoDiff(ctx G.ExecutionContext, inputs G.Nodes, output *G.Node) error {
	dz, err := preActivationGrad("Affine", inputs, output, op.act)
	if err != nil {
		return err
	}
	grad := func(i int) (matrix, error) { return dualGrad("Affine", inputs[i]) }
	x, err := matrixOf(inputs[0].Value(), "Affine x")
	if err != nil {
		return err
	}
	w, err := matrixOf(inputs[1].Value(), "Affine W")
	if err != nil {
		return err
	}
	if op.inputGrad {
		dx, err := grad(0)
		if err != nil {
			return err
		}
		if err := product(blas.NoTrans, blas.Trans, dz, w, 1, dx); err != nil {
			return err
		}
	}
	dw, err := grad(1)
	if err != nil {
		return err
	}
	if err := product(blas.Trans, blas.NoTrans, x, dz, 1, dw); err != nil {
		return err
	}
	db, err := grad(2)
	if err != nil {
		return err
	}
	db.rows, db.cols = 1, db.rows*db.cols
	columnSums(db, dz, true)
	return nil
}

type gradKind uint8

const (
	gradActivation gradKind = iota // (dy, y) → dz
	gradInput                      // (dz, W) → dz·Wᵀ
	gradWeights                    // (x, dz) → xᵀ·dz
	gradBias                       // (dz) → column sums
)

var gradKindNames = [...]string{"dAct", "dX", "dW", "dB"}

// affineGradOp is one part of Affine's backward pass; it writes into a
// buffer it keeps from run to run.
type affineGradOp struct {
	PureOp
	fwd  *affineOp
	kind gradKind
	out  buffer
}

func (op *affineGradOp) Arity() int {
	if op.kind == gradBias {
		return 1
	}
	return 2
}

func (op *affineGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	if op.kind == gradBias {
		return hm.NewFnType(m, G.TensorType{Dims: len(op.fwd.bShape), Of: a})
	}
	return hm.NewFnType(m, m, m)
}

func (op *affineGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != op.Arity() {
		return nil, fmt.Errorf("%w: %v takes %d inputs, got %d", nn.ErrSpec, op, op.Arity(), len(in))
	}
	var s [2]tensor.Shape
	for i := range in {
		sh, ok := in[i].(tensor.Shape)
		if !ok || len(sh) != 2 {
			return nil, fmt.Errorf("%w: %v input shape %v", nn.ErrSpec, op, in[i])
		}
		s[i] = sh
	}
	switch op.kind {
	case gradActivation:
		return s[0].Clone(), nil
	case gradInput:
		return tensor.Shape{s[0][0], s[1][0]}, nil
	case gradWeights:
		return tensor.Shape{s[0][1], s[1][1]}, nil
	}
	return op.fwd.bShape.Clone(), nil
}

func (op *affineGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nn.Affine.%s#%d", gradKindNames[op.kind], op.fwd.id)
}
func (op *affineGradOp) Hashcode() uint32 { return hashOf(op) }
func (op *affineGradOp) String() string {
	return fmt.Sprintf("Affine.%s#%d", gradKindNames[op.kind], op.fwd.id)
}

func (op *affineGradOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%w: %v takes %d inputs, got %d", ErrData, op, op.Arity(), len(inputs))
	}
	a, err := matrixOf(inputs[0], op.String()+" input")
	if err != nil {
		return nil, err
	}
	var b matrix
	if op.kind != gradBias {
		if b, err = matrixOf(inputs[1], op.String()+" input"); err != nil {
			return nil, err
		}
	}
	var out *tensor.Dense
	switch op.kind {
	case gradActivation:
		if a.rows != b.rows || a.cols != b.cols {
			return nil, fmt.Errorf("%w: %v of %d×%d and %d×%d", ErrData, op, a.rows, a.cols, b.rows, b.cols)
		}
		out = op.out.get(a.rows, a.cols)
	case gradInput:
		out = op.out.get(a.rows, b.rows)
	case gradWeights:
		out = op.out.get(a.cols, b.cols)
	case gradBias:
		out = op.out.get(op.fwd.bShape...)
	}
	c, err := matrixOf(out, op.String()+" output")
	if err != nil {
		return nil, err
	}
	switch op.kind {
	case gradActivation:
		activationGrad(op.fwd.act, c, a, b, false)
	case gradInput:
		err = product(blas.NoTrans, blas.Trans, a, b, 0, c)
	case gradWeights:
		err = product(blas.Trans, blas.NoTrans, a, b, 0, c)
	case gradBias:
		if c.rows*c.cols != a.cols {
			return nil, fmt.Errorf("%w: %d bias gradients for %d columns", ErrData, c.rows*c.cols, a.cols)
		}
		c.rows, c.cols = 1, a.cols
		columnSums(c, a, false)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

var (
	_ G.SDOp = (*affineOp)(nil)
	_ G.ADOp = (*affineOp)(nil)
)
