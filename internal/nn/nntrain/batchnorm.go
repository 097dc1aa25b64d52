package nntrain

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn"
)

// RunningStats are the running mean and variance of a BatchNorm op's
// input, one value per unit, that every forward run moves towards the
// batch's statistics: μ ← (1−m)·μ + m·mean, σ² ← (1−m)·σ² + m·var·B/(B−1)
// (the unbiased batch variance, as PyTorch), m = nn.BNMomentum.
type RunningStats struct {
	Mean, Var []float32
}

// BatchNorm adds y = act(γ·(z − mean)/√(var + ε) + β) to the graph of z as
// one op (Ioffe and Szegedy 2015): z is a B×N float32 matrix node, gamma
// and beta 1×N matrix nodes; mean and var are each column's mean and
// biased variance over the batch's rows, ε = nn.BNEps. When stats is not
// nil, every forward run also updates the running statistics in it (its
// slices must hold N values).
//
// Backward is exact: with x̂ the normalised input and d = dy·act′ the
// gradient before the activation, dβ = Σ_rows d, dγ = Σ_rows d·x̂ and
// dz = γ/(B·√(var+ε))·(B·d − dβ − x̂·dγ), each a node of its own (SymDiff,
// for the tape machine) or added into the dual values (DoDiff, for the
// LispMachine). The op keeps x̂ and 1/√(var+ε) of its last forward run for
// the backward pass, and its outputs in buffers reused from run to run.
// Work per run is O(B·N) over columns split between GOMAXPROCS goroutines,
// in a fixed order: the results do not depend on the split.
//
// It returns ErrSpec for shapes that do not fit, inputs that are not
// float32, an unknown activation or stats of the wrong width.
func BatchNorm(z, gamma, beta *G.Node, act Activation, stats *RunningStats) (*G.Node, error) {
	if act > Sigmoid {
		return nil, fmt.Errorf("%w: activation %d", nn.ErrSpec, act)
	}
	if z.Dims() != 2 {
		return nil, fmt.Errorf("%w: BatchNorm wants a matrix, got shape %v", nn.ErrSpec, z.Shape())
	}
	n := z.Shape()[1]
	for _, p := range []*G.Node{gamma, beta} {
		if s := p.Shape(); p.Dims() != 2 || s[0] != 1 || s[1] != n {
			return nil, fmt.Errorf("%w: BatchNorm scale or shift of shape %v for %d units", nn.ErrSpec, s, n)
		}
	}
	if z.Dtype() != tensor.Float32 || gamma.Dtype() != tensor.Float32 || beta.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("%w: BatchNorm of %v, %v and %v, want all float32", nn.ErrSpec, z.Dtype(), gamma.Dtype(), beta.Dtype())
	}
	if stats != nil && (len(stats.Mean) != n || len(stats.Var) != n) {
		return nil, fmt.Errorf("%w: running statistics of %d and %d values for %d units", nn.ErrSpec, len(stats.Mean), len(stats.Var), n)
	}
	op := &bnOp{id: opID.Add(1), act: act, stats: stats}
	return G.ApplyOp(op, z, gamma, beta)
}

type bnOp struct {
	PureOp
	id     uint64
	act    Activation
	stats  *RunningStats
	out    buffer
	xhat   []float32 // B×N normalised input of the last forward run
	invStd []float32 // N values 1/√(var+ε) of the last forward run
	mean   []float64 // N column means (forward scratch)
	ss     []float64 // N column sums of squared deviations (forward scratch)
	sb, sg []float64 // N column sums of d and d·x̂ (backward scratch)
}

func (op *bnOp) Arity() int { return 3 }

func (op *bnOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(m, m, m, m)
}

func (op *bnOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("%w: BatchNorm takes 3 inputs, got %d", nn.ErrSpec, len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 2 {
		return nil, fmt.Errorf("%w: BatchNorm input shape %v", nn.ErrSpec, in[0])
	}
	return s.Clone(), nil
}

func (op *bnOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "nn.BatchNorm#%d", op.id) }
func (op *bnOp) Hashcode() uint32      { return hashOf(op) }
func (op *bnOp) String() string        { return fmt.Sprintf("BatchNorm(%v)#%d", op.act, op.id) }

// inputs reads z, γ and β and checks their sizes.
func bnInputs(what string, zv, gv, bv G.Value) (z, g, b matrix, err error) {
	if z, err = matrixOf(zv, what+" z"); err != nil {
		return
	}
	if g, err = matrixOf(gv, what+" γ"); err != nil {
		return
	}
	if b, err = matrixOf(bv, what+" β"); err != nil {
		return
	}
	if len(g.f32) != z.cols || len(b.f32) != z.cols {
		err = fmt.Errorf("%w: %s of %d units with %d scales and %d shifts", ErrData, what, z.cols, len(g.f32), len(b.f32))
	}
	return
}

func (op *bnOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%w: BatchNorm takes 3 inputs, got %d", ErrData, len(inputs))
	}
	z, g, b, err := bnInputs("BatchNorm", inputs[0], inputs[1], inputs[2])
	if err != nil {
		return nil, err
	}
	rows, cols := z.rows, z.cols
	if rows < 1 {
		return nil, fmt.Errorf("%w: BatchNorm of an empty batch", ErrData)
	}
	out := op.out.get(rows, cols)
	y, err := matrixOf(out, "BatchNorm output")
	if err != nil {
		return nil, err
	}
	if len(op.xhat) != rows*cols {
		op.xhat = make([]float32, rows*cols)
	}
	if len(op.invStd) != cols {
		op.invStd = make([]float32, cols)
	}
	if len(op.mean) != cols {
		op.mean, op.ss = make([]float64, cols), make([]float64, cols)
	}
	const mom = nn.BNMomentum
	// Each goroutine takes a block of columns and walks it row by row
	// (contiguous memory); per column the sums run in row order, so the
	// results do not depend on the split.
	nn.ParallelFor(cols, max(16, nn.ParallelMin/max(rows, 1)), func(lo, hi int) {
		mean, ss := op.mean[lo:hi], op.ss[lo:hi]
		clear(mean)
		clear(ss)
		for r := 0; r < rows; r++ {
			for j, v := range z.f32[r*cols+lo : r*cols+hi] {
				mean[j] += float64(v)
			}
		}
		for j := range mean {
			mean[j] /= float64(rows)
		}
		for r := 0; r < rows; r++ {
			for j, v := range z.f32[r*cols+lo : r*cols+hi] {
				d := float64(v) - mean[j]
				ss[j] += d * d
			}
		}
		inv := op.invStd[lo:hi]
		for j := range inv {
			inv[j] = float32(1 / math.Sqrt(ss[j]/float64(rows)+nn.BNEps))
		}
		gs, bs := g.f32[lo:hi], b.f32[lo:hi]
		for r := 0; r < rows; r++ {
			a := r*cols + lo
			zr, xr, yr := z.f32[a:r*cols+hi], op.xhat[a:r*cols+hi], y.f32[a:r*cols+hi]
			for j, v := range zr {
				xh := (float64(v) - mean[j]) * float64(inv[j])
				xr[j] = float32(xh)
				yr[j] = float32(float64(gs[j])*xh + float64(bs[j]))
			}
		}
		if op.stats != nil {
			for j := range mean {
				unbiased := ss[j] / float64(rows)
				if rows > 1 {
					unbiased = ss[j] / float64(rows-1)
				}
				op.stats.Mean[lo+j] = float32((1-mom)*float64(op.stats.Mean[lo+j]) + mom*mean[j])
				op.stats.Var[lo+j] = float32((1-mom)*float64(op.stats.Var[lo+j]) + mom*unbiased)
			}
		}
	})
	activate(op.act, y)
	return out, nil
}

// backward computes, from d = the gradient before the activation, dβ and
// dγ (set, or added with add) and dz (set or added), any of them nil to
// skip.
func (op *bnOp) backward(d, g matrix, dz, dg, db []float32, add bool) error {
	rows, cols := d.rows, d.cols
	if len(op.xhat) != rows*cols || len(op.invStd) != cols || len(g.f32) != cols {
		return fmt.Errorf("%w: BatchNorm backward of %d×%d before its forward run", ErrData, rows, cols)
	}
	if len(op.sb) != cols {
		op.sb, op.sg = make([]float64, cols), make([]float64, cols)
	}
	nn.ParallelFor(cols, max(16, nn.ParallelMin/max(rows, 1)), func(lo, hi int) {
		sb, sg := op.sb[lo:hi], op.sg[lo:hi]
		clear(sb)
		clear(sg)
		for r := 0; r < rows; r++ {
			a := r*cols + lo
			xr := op.xhat[a : r*cols+hi]
			for j, v := range d.f32[a : r*cols+hi] {
				sb[j] += float64(v)
				sg[j] += float64(v) * float64(xr[j])
			}
		}
		for j := range sb {
			if db != nil {
				if add {
					db[lo+j] += float32(sb[j])
				} else {
					db[lo+j] = float32(sb[j])
				}
			}
			if dg != nil {
				if add {
					dg[lo+j] += float32(sg[j])
				} else {
					dg[lo+j] = float32(sg[j])
				}
			}
		}
		if dz == nil {
			return
		}
		n := float64(rows)
		for r := 0; r < rows; r++ {
			a := r*cols + lo
			xr, dr, zr := op.xhat[a:r*cols+hi], d.f32[a:r*cols+hi], dz[a:r*cols+hi]
			for j := range zr {
				k := float64(g.f32[lo+j]) * float64(op.invStd[lo+j]) / n
				v := k * (n*float64(dr[j]) - sb[j] - float64(xr[j])*sg[j])
				if add {
					zr[j] += float32(v)
				} else {
					zr[j] = float32(v)
				}
			}
		}
	})
	return nil
}

// DiffWRT: z, γ and β.
func (op *bnOp) DiffWRT(inputs int) []bool { return []bool{true, true, true} }

// SymDiff returns the gradient nodes of z, γ and β.
func (op *bnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%w: BatchNorm takes 3 inputs, got %d", nn.ErrSpec, len(inputs))
	}
	d := grad
	if op.act != Identity {
		var err error
		if d, err = G.ApplyOp(&bnGradOp{fwd: op, kind: bnGradAct}, grad, output); err != nil {
			return nil, err
		}
	}
	dz, err := G.ApplyOp(&bnGradOp{fwd: op, kind: bnGradInput}, d, inputs[1])
	if err != nil {
		return nil, err
	}
	dg, err := G.ApplyOp(&bnGradOp{fwd: op, kind: bnGradScale}, d)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&bnGradOp{fwd: op, kind: bnGradShift}, d)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dz, dg, db}, nil
}

// DoDiff is the LispMachine path: it adds the gradients into the dual
// values of z, γ and β.
func (op *bnOp) DoDiff(ctx G.ExecutionContext, inputs G.Nodes, output *G.Node) error {
	d, err := preActivationGrad("BatchNorm", inputs, output, op.act)
	if err != nil {
		return err
	}
	g, err := matrixOf(inputs[1].Value(), "BatchNorm γ")
	if err != nil {
		return err
	}
	var gs [3][]float32
	for i := range gs {
		m, err := dualGrad("BatchNorm", inputs[i])
		if err != nil {
			return err
		}
		gs[i] = m.f32
	}
	return op.backward(d, g, gs[0], gs[1], gs[2], true)
}

type bnGradKind uint8

const (
	bnGradAct   bnGradKind = iota // (dy, y) → d
	bnGradInput                   // (d, γ) → dz
	bnGradScale                   // (d) → dγ
	bnGradShift                   // (d) → dβ
)

var bnGradKindNames = [...]string{"dAct", "dZ", "dGamma", "dBeta"}

// bnGradOp is one part of BatchNorm's backward pass; it reads the forward
// op's x̂ and 1/√(var+ε) and writes into a buffer it keeps from run to run.
type bnGradOp struct {
	PureOp
	fwd  *bnOp
	kind bnGradKind
	out  buffer
}

func (op *bnGradOp) Arity() int {
	if op.kind == bnGradScale || op.kind == bnGradShift {
		return 1
	}
	return 2
}

func (op *bnGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := G.TensorType{Dims: 2, Of: a}
	if op.Arity() == 1 {
		return hm.NewFnType(m, m)
	}
	return hm.NewFnType(m, m, m)
}

func (op *bnGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != op.Arity() {
		return nil, fmt.Errorf("%w: %v takes %d inputs, got %d", nn.ErrSpec, op, op.Arity(), len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 2 {
		return nil, fmt.Errorf("%w: %v input shape %v", nn.ErrSpec, op, in[0])
	}
	if op.Arity() == 1 {
		return tensor.Shape{1, s[1]}, nil
	}
	return s.Clone(), nil
}

func (op *bnGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nn.BatchNorm.%s#%d", bnGradKindNames[op.kind], op.fwd.id)
}
func (op *bnGradOp) Hashcode() uint32 { return hashOf(op) }
func (op *bnGradOp) String() string {
	return fmt.Sprintf("BatchNorm.%s#%d", bnGradKindNames[op.kind], op.fwd.id)
}

func (op *bnGradOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%w: %v takes %d inputs, got %d", ErrData, op, op.Arity(), len(inputs))
	}
	a, err := matrixOf(inputs[0], op.String()+" input")
	if err != nil {
		return nil, err
	}
	var b matrix
	if op.Arity() == 2 {
		if b, err = matrixOf(inputs[1], op.String()+" input"); err != nil {
			return nil, err
		}
	}
	switch op.kind {
	case bnGradAct:
		if a.rows != b.rows || a.cols != b.cols {
			return nil, fmt.Errorf("%w: %v of %d×%d and %d×%d", ErrData, op, a.rows, a.cols, b.rows, b.cols)
		}
		out := op.out.get(a.rows, a.cols)
		c, err := matrixOf(out, op.String()+" output")
		if err != nil {
			return nil, err
		}
		activationGrad(op.fwd.act, c, a, b, false)
		return out, nil
	case bnGradInput:
		out := op.out.get(a.rows, a.cols)
		c, err := matrixOf(out, op.String()+" output")
		if err != nil {
			return nil, err
		}
		return out, op.fwd.backward(a, b, c.f32, nil, nil, false)
	}
	out := op.out.get(1, a.cols)
	c, err := matrixOf(out, op.String()+" output")
	if err != nil {
		return nil, err
	}
	g := matrix{rows: 1, cols: a.cols, f32: op.fwd.invStd} // only its width is read
	if op.kind == bnGradScale {
		err = op.fwd.backward(a, g, nil, c.f32, nil, false)
	} else {
		err = op.fwd.backward(a, g, nil, nil, c.f32, false)
	}
	return out, err
}

var (
	_ G.SDOp = (*bnOp)(nil)
	_ G.ADOp = (*bnOp)(nil)
)
