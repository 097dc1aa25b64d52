package nntrain

import (
	"github.com/labelcode/labelcode/internal/nn"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// randomDense returns a tensor of the given dtype and shape with N(0, sd²)
// values drawn from rng.
func randomDense(rng *rand.Rand, dt tensor.Dtype, sd float64, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if dt == tensor.Float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * sd)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64() * sd
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}

// at and set read and write element i of a float32 or float64 tensor.
func at(t tensor.Tensor, i int) float64 {
	switch d := t.Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	}
	panic("not a float tensor")
}

func set(t tensor.Tensor, i int, v float64) {
	switch d := t.Data().(type) {
	case []float32:
		d[i] = float32(v)
	case []float64:
		d[i] = v
	}
}

func valueFloat(v G.Value) float64 {
	switch d := v.Data().(type) {
	case float32:
		return float64(d)
	case float64:
		return d
	case []float32:
		return float64(d[0])
	case []float64:
		return d[0]
	}
	panic("not a scalar")
}

// gradCase is a small graph around one op: leaves, a scalar cost, and the
// leaves to differentiate.
type gradCase struct {
	g      *G.ExprGraph
	cost   *G.Node
	leaves []*G.Node
}

// affineCase builds cost = Σ V∘Affine(2·x0, W, b, act), so that the op's
// input is computed by an op and gets a gradient (through x0).
func affineCase(t *testing.T, dt tensor.Dtype, act Activation, rows, in, out int, vectorBias bool, seed uint64) *gradCase {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	g := G.NewGraph()
	x0 := G.NewMatrix(g, dt, G.WithShape(rows, in), G.WithName("x0"), G.WithValue(randomDense(rng, dt, 1, rows, in)))
	w := G.NewMatrix(g, dt, G.WithShape(in, out), G.WithName("w"), G.WithValue(randomDense(rng, dt, 0.5, in, out)))
	var b *G.Node
	if vectorBias {
		b = G.NewVector(g, dt, G.WithShape(out), G.WithName("b"), G.WithValue(randomDense(rng, dt, 0.5, out)))
	} else {
		b = G.NewMatrix(g, dt, G.WithShape(1, out), G.WithName("b"), G.WithValue(randomDense(rng, dt, 0.5, 1, out)))
	}
	v := G.NewMatrix(g, dt, G.WithShape(rows, out), G.WithName("v"), G.WithValue(randomDense(rng, dt, 1, rows, out)))
	two := G.NewConstant(scalar(dt, 2))
	x := G.Must(G.Mul(x0, two))
	y, err := Affine(x, w, b, act)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, v))))
	return &gradCase{g: g, cost: cost, leaves: []*G.Node{x0, w, b}}
}

func scalar(dt tensor.Dtype, v float64) any {
	if dt == tensor.Float32 {
		return float32(v)
	}
	return v
}

// tapeGrads runs the case on a tape machine and returns the cost and the
// gradient of every leaf, read from the gradient nodes.
func tapeGrads(t *testing.T, c *gradCase) (float64, [][]float64) {
	t.Helper()
	grads, err := G.Grad(c.cost, c.leaves...)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(c.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(grads))
	for i, gn := range grads {
		d := gn.Value().(tensor.Tensor)
		for j := 0; j < d.Shape().TotalSize(); j++ {
			out[i] = append(out[i], at(d, j))
		}
	}
	return valueFloat(c.cost.Value()), out
}

// lispGrads runs the case on a LispMachine (the ops' DoDiff path).
func lispGrads(t *testing.T, c *gradCase) [][]float64 {
	t.Helper()
	vm := G.NewLispMachine(c.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(c.leaves))
	for i, l := range c.leaves {
		gv, err := l.Grad()
		if err != nil {
			t.Fatal(err)
		}
		d := gv.(tensor.Tensor)
		for j := 0; j < d.Shape().TotalSize(); j++ {
			out[i] = append(out[i], at(d, j))
		}
	}
	return out
}

// numericGrad returns the central difference of the cost with respect to
// element j of leaf i, the graph rerun by a fresh tape machine.
func numericGrad(t *testing.T, c *gradCase, vm G.VM, i, j int, h float64) float64 {
	t.Helper()
	val := c.leaves[i].Value().(tensor.Tensor)
	old := at(val, j)
	eval := func(v float64) float64 {
		set(val, j, v)
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return valueFloat(c.cost.Value())
	}
	up, down := eval(old+h), eval(old-h)
	set(val, j, old)
	return (up - down) / (2 * h)
}

// TestAffineGradients checks Affine's gradients with respect to its input,
// weights and bias (vector and 1×Out bias) against central differences in
// float64, for every activation, on the tape machine, and checks that the
// LispMachine (DoDiff) gives the same gradients.
func TestAffineGradients(t *testing.T) {
	for _, act := range []Activation{Identity, ReLU, Sigmoid} {
		for _, vec := range []bool{false, true} {
			bias := "matrix"
			if vec {
				bias = "vector"
			}
			t.Run(act.String()+"/bias="+bias, func(t *testing.T) {
				const rows, in, out = 5, 4, 6
				c := affineCase(t, tensor.Float64, act, rows, in, out, vec, uint64(act)+1)
				_, grads := tapeGrads(t, c)
				vm := G.NewTapeMachine(c.g)
				defer vm.Close()
				for i := range c.leaves {
					for j := range grads[i] {
						num := numericGrad(t, c, vm, i, j, 1e-6)
						if math.Abs(num-grads[i][j]) > 1e-6*(1+math.Abs(num)) {
							t.Errorf("%s[%d]: analytic %.9f, numeric %.9f", c.leaves[i].Name(), j, grads[i][j], num)
						}
					}
				}
				lc := affineCase(t, tensor.Float64, act, rows, in, out, vec, uint64(act)+1)
				lisp := lispGrads(t, lc)
				for i := range grads {
					for j := range grads[i] {
						if math.Abs(lisp[i][j]-grads[i][j]) > 1e-12*(1+math.Abs(grads[i][j])) {
							t.Errorf("%s[%d]: tape %v, LispMachine %v", c.leaves[i].Name(), j, grads[i][j], lisp[i][j])
						}
					}
				}
			})
		}
	}
}

// TestAffineFloat32 checks the float32 op against the float64 one on the
// same values, large enough for the parallel elementwise passes.
func TestAffineFloat32(t *testing.T) {
	for _, act := range []Activation{Identity, ReLU, Sigmoid} {
		const rows, in, out = 70, 9, 1100 // rows·out > 2·parallelMin
		c32 := affineCase(t, tensor.Float32, act, rows, in, out, false, 5)
		c64 := affineCase(t, tensor.Float64, act, rows, in, out, false, 5)
		// The float64 case starts from the float32 values, so that only the
		// arithmetic differs.
		for i, l := range c32.leaves {
			src, dst := l.Value().(tensor.Tensor), c64.leaves[i].Value().(tensor.Tensor)
			for j := 0; j < src.Shape().TotalSize(); j++ {
				set(dst, j, at(src, j))
			}
		}
		cost32, g32 := tapeGrads(t, c32)
		cost64, g64 := tapeGrads(t, c64)
		if math.Abs(cost32-cost64) > 1e-4*(1+math.Abs(cost64)) {
			t.Errorf("%v: cost float32 %v, float64 %v", act, cost32, cost64)
		}
		for i := range g64 {
			for j := range g64[i] {
				if math.Abs(g32[i][j]-g64[i][j]) > 1e-3*(1+math.Abs(g64[i][j])) {
					t.Fatalf("%v: %s[%d] float32 %v, float64 %v", act, c32.leaves[i].Name(), j, g32[i][j], g64[i][j])
				}
			}
		}
	}
}

// TestAffineLeafInput checks that a leaf input gets no gradient node: G.Grad
// refuses it, and the product dZ·Wᵀ is not in the graph.
func TestAffineLeafInput(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 3), G.WithInit(G.Zeroes()))
	w := G.NewMatrix(g, tensor.Float32, G.WithShape(3, 4), G.WithInit(G.Zeroes()))
	b := G.NewVector(g, tensor.Float32, G.WithShape(4), G.WithInit(G.Zeroes()))
	y, err := Affine(x, w, b, ReLU)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(y))
	if _, err := G.Grad(cost, x); err == nil {
		t.Error("G.Grad with respect to a leaf input of Affine succeeded")
	}
	if _, err := G.Grad(cost, w, b); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.AllNodes() {
		if op, ok := n.Op().(*affineGradOp); ok && op.kind == gradInput {
			t.Errorf("graph holds %v", n)
		}
	}
}

func TestAffineBadInput(t *testing.T) {
	g := G.NewGraph()
	m := func(dt tensor.Dtype, r, c int) *G.Node {
		return G.NewMatrix(g, dt, G.WithShape(r, c), G.WithInit(G.Zeroes()))
	}
	cases := []struct {
		name    string
		x, w, b *G.Node
		act     Activation
	}{
		{"inner", m(tensor.Float32, 2, 3), m(tensor.Float32, 4, 5), m(tensor.Float32, 1, 5), Identity},
		{"bias", m(tensor.Float32, 2, 3), m(tensor.Float32, 3, 5), m(tensor.Float32, 1, 4), Identity},
		{"bias rows", m(tensor.Float32, 2, 3), m(tensor.Float32, 3, 5), m(tensor.Float32, 2, 5), Identity},
		{"dtype", m(tensor.Float32, 2, 3), m(tensor.Float64, 3, 5), m(tensor.Float32, 1, 5), Identity},
		{"activation", m(tensor.Float32, 2, 3), m(tensor.Float32, 3, 5), m(tensor.Float32, 1, 5), Sigmoid + 1},
	}
	for _, c := range cases {
		if _, err := Affine(c.x, c.w, c.b, c.act); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// ceCase builds cost = 3·SoftmaxCrossEntropy(2·z0, targets), so that the
// loss's upstream gradient is not 1.
func ceCase(t *testing.T, dt tensor.Dtype, rows, classes int, seed uint64) (*gradCase, *CrossEntropy) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	g := G.NewGraph()
	z0 := G.NewMatrix(g, dt, G.WithShape(rows, classes), G.WithName("z0"), G.WithValue(randomDense(rng, dt, 2, rows, classes)))
	tv := make([]float64, rows)
	for r := range tv {
		tv[r] = float64(rng.IntN(classes))
	}
	targets := tensor.New(tensor.Of(dt), tensor.WithShape(rows))
	for r, v := range tv {
		set(targets, r, v)
	}
	tn := G.NewVector(g, dt, G.WithShape(rows), G.WithName("targets"), G.WithValue(targets))
	z := G.Must(G.Mul(z0, G.NewConstant(scalar(dt, 2))))
	ce, err := SoftmaxCrossEntropy(z, tn)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Mul(ce.Loss, G.NewConstant(scalar(dt, 3))))
	return &gradCase{g: g, cost: cost, leaves: []*G.Node{z0}}, ce
}

// referenceCE is the loss and gradient of 3·CE(2·z) in float64, directly.
func referenceCE(z []float64, targets []int, classes int) (float64, []float64) {
	rows := len(targets)
	grad := make([]float64, len(z))
	var loss float64
	for r := 0; r < rows; r++ {
		row := z[r*classes : (r+1)*classes]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, 2*v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(2*v - m)
		}
		loss += (math.Log(s) - (2*row[targets[r]] - m)) / float64(rows)
		for j, v := range row {
			p := math.Exp(2*v-m) / s
			if j == targets[r] {
				p--
			}
			grad[r*classes+j] = 3 * 2 * p / float64(rows)
		}
	}
	return 3 * loss, grad
}

// TestCrossEntropyGradients checks the fused loss and its gradient in
// float64 against central differences and a direct computation, in
// float32 against the direct computation, on a batch large enough for the
// parallel row split, and the LispMachine path against the tape's.
func TestCrossEntropyGradients(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			const rows, classes = 9, 8000 // rows·classes > 2·parallelMin
			c, ce := ceCase(t, dt, rows, classes, 1)
			cost, grads := tapeGrads(t, c)
			zt := c.leaves[0].Value().(tensor.Tensor)
			z := make([]float64, rows*classes)
			for i := range z {
				z[i] = at(zt, i)
			}
			targets := make([]int, rows)
			for r := range targets {
				targets[r] = ce.op.targets[r]
			}
			wantCost, wantGrad := referenceCE(z, targets, classes)
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 2e-6
			}
			if math.Abs(cost-wantCost) > tol*10*(1+math.Abs(wantCost)) {
				t.Errorf("cost %v, want %v", cost, wantCost)
			}
			for i := range wantGrad {
				if math.Abs(grads[0][i]-wantGrad[i]) > tol*(1+math.Abs(wantGrad[i])) {
					t.Fatalf("grad[%d] = %v, want %v", i, grads[0][i], wantGrad[i])
				}
			}
			if dt == tensor.Float64 {
				vm := G.NewTapeMachine(c.g)
				defer vm.Close()
				rng := rand.New(rand.NewPCG(2, 2))
				idx := []int{}
				for r, k := range targets {
					idx = append(idx, r*classes+k)
				}
				for range 30 {
					idx = append(idx, rng.IntN(rows*classes))
				}
				for _, j := range idx {
					num := numericGrad(t, c, vm, 0, j, 1e-5)
					if math.Abs(num-grads[0][j]) > 1e-7*(1+math.Abs(num)) {
						t.Errorf("grad[%d]: analytic %v, numeric %v", j, grads[0][j], num)
					}
				}
			}
			lc, _ := ceCase(t, dt, rows, classes, 1)
			lisp := lispGrads(t, lc)
			for i := range grads[0] {
				if math.Abs(lisp[0][i]-grads[0][i]) > 1e-12 {
					t.Fatalf("grad[%d]: tape %v, LispMachine %v", i, grads[0][i], lisp[0][i])
				}
			}
		})
	}
}

// TestCrossEntropyCorrect checks the arg-max count, ties to the smallest
// class, and the error for a target outside the classes.
func TestCrossEntropyCorrect(t *testing.T) {
	g := G.NewGraph()
	logits := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float32{
		1, 5, 2, // arg-max 1
		3, 3, 0, // tie: arg-max 0
		3, 3, 0, // tie: target 1 is not the first maximum
		-1, -2, -0.5, // arg-max 2
	}))
	targets := tensor.New(tensor.WithShape(4), tensor.WithBacking([]float32{1, 0, 1, 0}))
	ln := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithValue(logits))
	tn := G.NewVector(g, tensor.Float32, G.WithShape(4), G.WithValue(targets))
	ce, err := SoftmaxCrossEntropy(ln, tn)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := ce.Correct(); got != 2 {
		t.Errorf("Correct = %d, want 2", got)
	}
	targets.Data().([]float32)[2] = 3
	vm.Reset()
	if err := vm.RunAll(); err == nil || ce.Err() == nil {
		t.Errorf("target 3 of 3 classes: run error %v, op error %v", err, ce.Err())
	}
}

// TestOpsDeterministic checks that a training graph's loss and gradients do
// not depend on GOMAXPROCS, which sets how the rows and columns of the
// elementwise passes are split.
func TestOpsDeterministic(t *testing.T) {
	spec := nn.Spec{Inputs: 40, Hidden: []int{300}, Heads: []int{500, 7}}
	x, y := blobs(20, 40, 96, 0.5, 3)
	targets := [][]int{make([]int, 96), make([]int, 96)}
	for r, c := range y {
		targets[0][r], targets[1][r] = c*25, c%7
	}
	run := func(procs int) (float64, [][]float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		n := mustNet(t, spec, 4)
		gr, err := NewGraph(n, 96)
		if err != nil {
			t.Fatal(err)
		}
		defer gr.Close()
		gr.Load(x, targets, nil)
		loss, err := gr.Run()
		if err != nil {
			t.Fatal(err)
		}
		gs, err := gr.Grads()
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]float32, len(gs))
		for i, g := range gs {
			out[i] = append([]float32(nil), g...)
		}
		return loss, out
	}
	l1, g1 := run(1)
	l4, g4 := run(4)
	if l1 != l4 {
		t.Errorf("loss %v with GOMAXPROCS 1, %v with 4", l1, l4)
	}
	for i := range g1 {
		for j := range g1[i] {
			if math.Float32bits(g1[i][j]) != math.Float32bits(g4[i][j]) {
				t.Fatalf("gradient %d[%d]: %v with GOMAXPROCS 1, %v with 4", i, j, g1[i][j], g4[i][j])
			}
		}
	}
}

// valueGrad is a weight and its gradient for gorgonia's solvers.
type valueGrad struct{ v, g *tensor.Dense }

func (p valueGrad) Value() G.Value         { return p.v }
func (p valueGrad) Grad() (G.Value, error) { return p.g, nil }

// TestAdamMatchesAdamSolver checks that Adam gives gorgonia's AdamSolver's
// weights bit for bit, in float32 and float64, over several steps of
// random gradients (some zero, some large), on slices long enough for the
// parallel split.
func TestAdamMatchesAdamSolver(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 3))
			sizes := []int{1, 17, 3 * nn.ParallelMin}
			var ours, theirs []*tensor.Dense
			for _, n := range sizes {
				w := randomDense(rng, dt, 1, n)
				ours = append(ours, w)
				theirs = append(theirs, w.Clone().(*tensor.Dense))
			}
			const lr = 0.01
			var opt *Adam
			var err error
			if dt == tensor.Float32 {
				ps := make([][]float32, len(ours))
				for i, w := range ours {
					ps[i] = w.Data().([]float32)
				}
				opt, err = NewAdam(ps, lr)
			} else {
				ps := make([][]float64, len(ours))
				for i, w := range ours {
					ps[i] = w.Data().([]float64)
				}
				opt, err = NewAdam64(ps, lr)
			}
			if err != nil {
				t.Fatal(err)
			}
			solver := G.NewAdamSolver(G.WithLearnRate(lr))
			for step := 0; step < 6; step++ {
				var vgs []G.ValueGrad
				var g32 [][]float32
				var g64 [][]float64
				for i, n := range sizes {
					g := randomDense(rng, dt, math.Pow(10, float64(step%3)), n)
					if step == 2 {
						set(g, 0, 0)
					}
					vgs = append(vgs, valueGrad{theirs[i], g.Clone().(*tensor.Dense)})
					if dt == tensor.Float32 {
						g32 = append(g32, g.Data().([]float32))
					} else {
						g64 = append(g64, g.Data().([]float64))
					}
				}
				if err := solver.Step(vgs); err != nil {
					t.Fatal(err)
				}
				if dt == tensor.Float32 {
					opt.Step(g32)
				} else {
					opt.Step64(g64)
				}
				for i := range ours {
					for j := 0; j < sizes[i]; j++ {
						a, b := at(ours[i], j), at(theirs[i], j)
						if a != b {
							t.Fatalf("step %d, param %d[%d]: Adam %v, AdamSolver %v", step, i, j, a, b)
						}
					}
				}
			}
		})
	}
}
