package nntrain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

// randomDense returns a float32 tensor of the given shape with N(0, sd²)
// values drawn from rng.
func randomDense(rng *rand.Rand, sd float64, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * sd)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}

// at and set read and write element i of a float32 tensor.
func at(t tensor.Tensor, i int) float64 { return float64(t.Data().([]float32)[i]) }

func set(t tensor.Tensor, i int, v float64) { t.Data().([]float32)[i] = float32(v) }

func valueFloat(v G.Value) float64 {
	switch d := v.Data().(type) {
	case float32:
		return float64(d)
	case []float32:
		return float64(d[0])
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
func affineCase(t *testing.T, act Activation, rows, in, out int, vectorBias bool, seed uint64) *gradCase {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	g := G.NewGraph()
	dt := tensor.Float32
	x0 := G.NewMatrix(g, dt, G.WithShape(rows, in), G.WithName("x0"), G.WithValue(randomDense(rng, 1, rows, in)))
	w := G.NewMatrix(g, dt, G.WithShape(in, out), G.WithName("w"), G.WithValue(randomDense(rng, 0.5, in, out)))
	var b *G.Node
	if vectorBias {
		b = G.NewVector(g, dt, G.WithShape(out), G.WithName("b"), G.WithValue(randomDense(rng, 0.5, out)))
	} else {
		b = G.NewMatrix(g, dt, G.WithShape(1, out), G.WithName("b"), G.WithValue(randomDense(rng, 0.5, 1, out)))
	}
	v := G.NewMatrix(g, dt, G.WithShape(rows, out), G.WithName("v"), G.WithValue(randomDense(rng, 1, rows, out)))
	two := G.NewConstant(float32(2))
	x := G.Must(G.Mul(x0, two))
	y, err := Affine(x, w, b, act)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, v))))
	return &gradCase{g: g, cost: cost, leaves: []*G.Node{x0, w, b}}
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

// referenceAffine returns the cost of an affineCase and its gradients
// with respect to x0, w and b, computed directly in float64 from the
// case's float32 values.
func referenceAffine(c *gradCase, act Activation) (float64, [][]float64) {
	val := func(i int) ([]float64, tensor.Shape) {
		t := c.leaves[i].Value().(tensor.Tensor)
		v := make([]float64, t.Shape().TotalSize())
		for j := range v {
			v[j] = at(t, j)
		}
		return v, t.Shape()
	}
	x0, xs := val(0)
	w, ws := val(1)
	b, _ := val(2)
	vt := c.cost.Graph().ByName("v")[0].Value().(tensor.Tensor)
	rows, in, out := xs[0], ws[0], ws[1]
	dx0, dw, db := make([]float64, rows*in), make([]float64, in*out), make([]float64, out)
	var cost float64
	for r := 0; r < rows; r++ {
		for o := 0; o < out; o++ {
			z := b[o]
			for i := 0; i < in; i++ {
				z += 2 * x0[r*in+i] * w[i*out+o]
			}
			v := at(vt, r*out+o)
			y, d := z, v
			switch act {
			case ReLU:
				y = max(z, 0)
				if z <= 0 {
					d = 0
				}
			case Sigmoid:
				y = 1 / (1 + math.Exp(-z))
				d = v * y * (1 - y)
			}
			cost += y * v
			db[o] += d
			for i := 0; i < in; i++ {
				dx0[r*in+i] += 2 * d * w[i*out+o]
				dw[i*out+o] += 2 * x0[r*in+i] * d
			}
		}
	}
	return cost, [][]float64{dx0, dw, db}
}

// TestAffineGradients checks Affine's output and its gradients with
// respect to its input, weights and bias (vector and 1×Out bias), for
// every activation, against a direct float64 computation on the same
// values, on the tape machine, small and large enough for the parallel
// elementwise passes, and checks that the LispMachine (DoDiff) gives the
// same gradients.
func TestAffineGradients(t *testing.T) {
	for _, act := range []Activation{Identity, ReLU, Sigmoid} {
		for _, size := range [][3]int{{5, 4, 6}, {70, 9, 1100}} { // 70·1100 > 2·parallelMin
			for _, vec := range []bool{false, true} {
				bias := "matrix"
				if vec {
					bias = "vector"
				}
				rows, in, out := size[0], size[1], size[2]
				t.Run(fmt.Sprintf("%v/%dx%dx%d/bias=%s", act, rows, in, out, bias), func(t *testing.T) {
					c := affineCase(t, act, rows, in, out, vec, uint64(act)+1)
					cost, grads := tapeGrads(t, c)
					wantCost, want := referenceAffine(c, act)
					if math.Abs(cost-wantCost) > 1e-4*(1+math.Abs(wantCost)) {
						t.Errorf("cost %v, want %v", cost, wantCost)
					}
					for i := range want {
						for j := range want[i] {
							if math.Abs(grads[i][j]-want[i][j]) > 1e-3*(1+math.Abs(want[i][j])) {
								t.Fatalf("%s[%d]: %v, want %v", c.leaves[i].Name(), j, grads[i][j], want[i][j])
							}
						}
					}
					lc := affineCase(t, act, rows, in, out, vec, uint64(act)+1)
					lisp := lispGrads(t, lc)
					for i := range grads {
						for j := range grads[i] {
							if math.Abs(lisp[i][j]-grads[i][j]) > 1e-6*(1+math.Abs(grads[i][j])) {
								t.Fatalf("%s[%d]: tape %v, LispMachine %v", c.leaves[i].Name(), j, grads[i][j], lisp[i][j])
							}
						}
					}
				})
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
func ceCase(t *testing.T, rows, classes int, seed uint64) (*gradCase, *CrossEntropy) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	g := G.NewGraph()
	dt := tensor.Float32
	z0 := G.NewMatrix(g, dt, G.WithShape(rows, classes), G.WithName("z0"), G.WithValue(randomDense(rng, 2, rows, classes)))
	tv := make([]float64, rows)
	for r := range tv {
		tv[r] = float64(rng.IntN(classes))
	}
	targets := tensor.New(tensor.Of(dt), tensor.WithShape(rows))
	for r, v := range tv {
		set(targets, r, v)
	}
	tn := G.NewVector(g, dt, G.WithShape(rows), G.WithName("targets"), G.WithValue(targets))
	z := G.Must(G.Mul(z0, G.NewConstant(float32(2))))
	ce, err := SoftmaxCrossEntropy(z, tn)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Mul(ce.Loss, G.NewConstant(float32(3))))
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

// TestCrossEntropyGradients checks the fused loss and its gradient
// against a direct float64 computation on a batch large enough for the
// parallel row split, and the LispMachine path against the tape's.
func TestCrossEntropyGradients(t *testing.T) {
	const rows, classes = 9, 8000 // rows·classes > 2·parallelMin
	c, ce := ceCase(t, rows, classes, 1)
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
	const tol = 2e-6
	if math.Abs(cost-wantCost) > tol*10*(1+math.Abs(wantCost)) {
		t.Errorf("cost %v, want %v", cost, wantCost)
	}
	for i := range wantGrad {
		if math.Abs(grads[0][i]-wantGrad[i]) > tol*(1+math.Abs(wantGrad[i])) {
			t.Fatalf("grad[%d] = %v, want %v", i, grads[0][i], wantGrad[i])
		}
	}
	lc, _ := ceCase(t, rows, classes, 1)
	lisp := lispGrads(t, lc)
	for i := range grads[0] {
		if math.Abs(lisp[0][i]-grads[0][i]) > 1e-12 {
			t.Fatalf("grad[%d]: tape %v, LispMachine %v", i, grads[0][i], lisp[0][i])
		}
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
	x, y := nntest.Blobs(20, 40, 96, 0.5, 3)
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
// weights bit for bit over several steps of random gradients (some zero,
// some large), on slices long enough for the parallel split.
func TestAdamMatchesAdamSolver(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	sizes := []int{1, 17, 3 * nn.ParallelMin}
	var ours, theirs []*tensor.Dense
	ps := make([][]float32, len(sizes))
	for i, n := range sizes {
		w := randomDense(rng, 1, n)
		ours = append(ours, w)
		theirs = append(theirs, w.Clone().(*tensor.Dense))
		ps[i] = w.Data().([]float32)
	}
	const lr = 0.01
	opt, err := NewAdam(ps, lr)
	if err != nil {
		t.Fatal(err)
	}
	solver := G.NewAdamSolver(G.WithLearnRate(lr))
	for step := 0; step < 6; step++ {
		var vgs []G.ValueGrad
		var g32 [][]float32
		for i, n := range sizes {
			g := randomDense(rng, math.Pow(10, float64(step%3)), n)
			if step == 2 {
				set(g, 0, 0)
			}
			vgs = append(vgs, valueGrad{theirs[i], g.Clone().(*tensor.Dense)})
			g32 = append(g32, g.Data().([]float32))
		}
		if err := solver.Step(vgs); err != nil {
			t.Fatal(err)
		}
		opt.Step(g32)
		for i := range ours {
			for j := 0; j < sizes[i]; j++ {
				a, b := at(ours[i], j), at(theirs[i], j)
				if a != b {
					t.Fatalf("step %d, param %d[%d]: Adam %v, AdamSolver %v", step, i, j, a, b)
				}
			}
		}
	}
}
