package nntrain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

// bnCase builds cost = Σ V∘BatchNorm(2·z0, γ, β, act), so that the op's
// input is computed by an op and gets a gradient (through z0).
func bnCase(t *testing.T, act Activation, rows, cols int, seed uint64, stats *RunningStats) *gradCase {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	g := G.NewGraph()
	dt := tensor.Float32
	z0 := G.NewMatrix(g, dt, G.WithShape(rows, cols), G.WithName("z0"), G.WithValue(randomDense(rng, 1, rows, cols)))
	gamma := G.NewMatrix(g, dt, G.WithShape(1, cols), G.WithName("gamma"), G.WithValue(randomDense(rng, 1, 1, cols)))
	beta := G.NewMatrix(g, dt, G.WithShape(1, cols), G.WithName("beta"), G.WithValue(randomDense(rng, 0.5, 1, cols)))
	v := G.NewMatrix(g, dt, G.WithShape(rows, cols), G.WithName("v"), G.WithValue(randomDense(rng, 1, rows, cols)))
	z := G.Must(G.Mul(z0, G.NewConstant(float32(2))))
	y, err := BatchNorm(z, gamma, beta, act, stats)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, v))))
	return &gradCase{g: g, cost: cost, leaves: []*G.Node{z0, gamma, beta}}
}

// referenceBN returns the cost of a bnCase computed in float64 from the
// leaves' values, optionally with one leaf value replaced.
func referenceBN(c *gradCase, act Activation, leaf, idx int, val float64) float64 {
	vals := make([][]float64, 3)
	for i, l := range c.leaves {
		tt := l.Value().(tensor.Tensor)
		for j := 0; j < tt.Shape().TotalSize(); j++ {
			vals[i] = append(vals[i], at(tt, j))
		}
	}
	if leaf >= 0 {
		vals[leaf][idx] = val
	}
	vt := c.cost.Graph().ByName("v")[0].Value().(tensor.Tensor)
	cols := len(vals[1])
	rows := len(vals[0]) / cols
	var cost float64
	for j := 0; j < cols; j++ {
		var mean, vr float64
		for r := 0; r < rows; r++ {
			mean += 2 * vals[0][r*cols+j]
		}
		mean /= float64(rows)
		for r := 0; r < rows; r++ {
			d := 2*vals[0][r*cols+j] - mean
			vr += d * d
		}
		vr /= float64(rows)
		for r := 0; r < rows; r++ {
			y := vals[1][j]*(2*vals[0][r*cols+j]-mean)/math.Sqrt(vr+nn.BNEps) + vals[2][j]
			switch act {
			case ReLU:
				y = max(y, 0)
			case Sigmoid:
				y = 1 / (1 + math.Exp(-y))
			}
			cost += y * at(vt, r*cols+j)
		}
	}
	return cost
}

// TestBatchNormGradients checks BatchNorm's output and its gradients with
// respect to its input, γ and β against central finite differences of a
// float64 computation on the same values, for every activation, on the
// tape machine (SymDiff), small and large enough for the parallel passes,
// and that the LispMachine (DoDiff) gives the same gradients.
func TestBatchNormGradients(t *testing.T) {
	for _, act := range []Activation{Identity, ReLU, Sigmoid} {
		for _, size := range [][2]int{{5, 4}, {40, 300}} {
			rows, cols := size[0], size[1]
			t.Run(fmt.Sprintf("%v/%dx%d", act, rows, cols), func(t *testing.T) {
				c := bnCase(t, act, rows, cols, uint64(act)+1, nil)
				cost, grads := tapeGrads(t, c)
				if want := referenceBN(c, act, -1, 0, 0); math.Abs(cost-want) > 1e-4*(1+math.Abs(want)) {
					t.Errorf("cost %v, want %v", cost, want)
				}
				const h = 1e-6
				for i, l := range c.leaves {
					tt := l.Value().(tensor.Tensor)
					n := tt.Shape().TotalSize()
					step := max(1, n/41) // a spread sample of the large case
					for j := 0; j < n; j += step {
						x := at(tt, j)
						num := (referenceBN(c, act, i, j, x+h) - referenceBN(c, act, i, j, x-h)) / (2 * h)
						if math.Abs(grads[i][j]-num) > 2e-3*(1+math.Abs(num)) {
							t.Fatalf("%s[%d]: analytic %v, numeric %v", l.Name(), j, grads[i][j], num)
						}
					}
				}
				lisp := lispGrads(t, bnCase(t, act, rows, cols, uint64(act)+1, nil))
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

// TestBatchNormRunningStats checks the running statistics after two
// forward runs: μ = 0.1·0.9·m + 0.1·m (the same batch twice from μ = 0),
// σ² likewise from 1 with the unbiased batch variance.
func TestBatchNormRunningStats(t *testing.T) {
	rows, cols := 6, 3
	st := &RunningStats{Mean: make([]float32, cols), Var: []float32{1, 1, 1}}
	c := bnCase(t, Identity, rows, cols, 9, st)
	vm := G.NewTapeMachine(c.g)
	defer vm.Close()
	for range 2 {
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
	}
	z := c.leaves[0].Value().(tensor.Tensor)
	for j := 0; j < cols; j++ {
		var m, ss float64
		for r := 0; r < rows; r++ {
			m += 2 * at(z, r*cols+j)
		}
		m /= float64(rows)
		for r := 0; r < rows; r++ {
			d := 2*at(z, r*cols+j) - m
			ss += d * d
		}
		v := ss / float64(rows-1)
		wantM := 0.9*0.1*m + 0.1*m
		wantV := 0.9*(0.9+0.1*v) + 0.1*v
		if math.Abs(float64(st.Mean[j])-wantM) > 1e-5 || math.Abs(float64(st.Var[j])-wantV) > 1e-5 {
			t.Errorf("unit %d: running %v %v, want %v %v", j, st.Mean[j], st.Var[j], wantM, wantV)
		}
	}
}

// TestBatchNormBadInput checks the shape checks of BatchNorm.
func TestBatchNormBadInput(t *testing.T) {
	g := G.NewGraph()
	z := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithInit(G.Zeroes()))
	ok := G.NewMatrix(g, tensor.Float32, G.WithShape(1, 3), G.WithInit(G.Zeroes()))
	bad := G.NewMatrix(g, tensor.Float32, G.WithShape(1, 2), G.WithInit(G.Zeroes()))
	if _, err := BatchNorm(z, bad, ok, ReLU, nil); err == nil {
		t.Error("γ of the wrong width accepted")
	}
	if _, err := BatchNorm(z, ok, ok, ReLU, &RunningStats{Mean: make([]float32, 2), Var: make([]float32, 3)}); err == nil {
		t.Error("running statistics of the wrong width accepted")
	}
	if _, err := BatchNorm(z, ok, ok, Sigmoid+1, nil); err == nil {
		t.Error("unknown activation accepted")
	}
}

// bnSetup returns a net of 3 inputs, the hidden widths and heads of 4 and
// 2 symbols with batch norm (weights from netSeed), its graph for rows
// rows loaded with 8-class blobs (from dataSeed; class c is symbols c%4 and
// c/4), Adam at 0.01 over the graph's Params and the data; the graph
// closes with the test.
func bnSetup(t *testing.T, hidden []int, rows int, netSeed, dataSeed uint64) (*nn.Net, *nn.BatchNorm, *Graph, *Adam, *Data) {
	t.Helper()
	spec := nn.Spec{Inputs: 3, Hidden: hidden, Heads: []int{4, 2}}
	n := mustNet(t, spec, netSeed)
	bn := nn.NewBatchNorm(spec)
	x, y := nntest.Blobs(8, 3, rows, 0.3, dataSeed)
	targets := [][]int{make([]int, rows), make([]int, rows)}
	for r, c := range y {
		targets[0][r], targets[1][r] = c%4, c/4
	}
	gr, err := NewGraphBN(n, rows, bn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gr.Close() })
	opt, err := NewAdam(gr.Params(), 0.01)
	if err != nil {
		t.Fatal(err)
	}
	gr.Load(x, targets, nil)
	return n, bn, gr, opt, &Data{X: x, Targets: targets}
}

// TestGraphBNGradientCheck compares the gradients of a graph with batch
// norm with central differences of its own loss, for every weight, γ and
// β, after a few optimizer steps; the running statistics get zero
// gradients and Adam leaves them unchanged.
func TestGraphBNGradientCheck(t *testing.T) {
	n, bn, gr, opt, _ := bnSetup(t, []int{5, 4}, 8, 3, 4)
	for step := 0; step < 4; step++ {
		if _, err := gr.Run(); err != nil {
			t.Fatal(err)
		}
		gs, err := gr.Grads()
		if err != nil {
			t.Fatal(err)
		}
		before := append([]float32(nil), bn.Mean[0]...)
		nowStats := func() []float32 { return bn.Mean[0] }
		opt.Step(gs)
		for j, v := range nowStats() {
			if v != before[j] {
				t.Fatalf("Adam moved running mean %d: %v → %v", j, before[j], v)
			}
		}
	}
	if _, err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	gs, err := gr.Grads()
	if err != nil {
		t.Fatal(err)
	}
	ps := gr.Params()
	if len(gs) != len(ps) || len(ps) != 2*len(n.Layers())+4*len(n.Spec.Hidden) {
		t.Fatalf("%d gradients for %d params", len(gs), len(ps))
	}
	grads := make([][]float32, len(gs))
	for i, g := range gs {
		grads[i] = append([]float32(nil), g...)
	}
	learn := len(ps) - 2*len(n.Spec.Hidden) // the running statistics are last
	for pi := learn; pi < len(ps); pi++ {
		for _, g := range grads[pi] {
			if g != 0 {
				t.Fatalf("running statistic %d has gradient %v", pi, g)
			}
		}
	}
	centralDiffCheck(t, gr, ps[:learn], grads)
}

// TestFoldMatchesUnfolded trains a small net with batch norm and checks
// that the folded network's graph-free forward pass gives the
// log-probabilities of the unfolded computation with the running
// statistics (BatchNorm.ForwardBatchNorm).
func TestFoldMatchesUnfolded(t *testing.T) {
	n, bn, gr, opt, d := bnSetup(t, []int{16, 8}, 32, 5, 6)
	for range 50 {
		if _, err := gr.Run(); err != nil {
			t.Fatal(err)
		}
		gs, err := gr.Grads()
		if err != nil {
			t.Fatal(err)
		}
		opt.Step(gs)
	}
	folded := n.Clone()
	bn.Fold(folded, n)
	var ws nn.Workspace
	got := folded.ForwardBatch(d.X, d.Rows(), &ws, nil)
	want := bn.ForwardBatchNorm(n, d.X, d.Rows())
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-4*(1+math.Abs(want[i])) {
			t.Fatalf("output %d: folded %v, unfolded %v", i, got[i], want[i])
		}
	}
	if acc := Accuracy(folded, d); acc < 0.7 {
		t.Errorf("folded accuracy %v after 50 steps", acc)
	}
}

// BenchmarkTrainStepBN times one minibatch of 128 rows (Load, Run, Adam
// step) of the glyph trunk 1024→2048→512 with three LM heads, without and
// with batch norm of the hidden layers.
func BenchmarkTrainStepBN(b *testing.B) {
	spec := nn.Spec{Inputs: 1024, Hidden: []int{2048, 512}, Heads: []int{149, 151, 157}}
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("bn=%v", on), func(b *testing.B) {
			const rows = 128
			n := mustNet(b, spec, 1)
			x := randomF32(rows*spec.Inputs, 4)
			targets := make([][]int, len(spec.Heads))
			for h, k := range spec.Heads {
				targets[h] = make([]int, rows)
				for r := range targets[h] {
					targets[h][r] = (r * 31) % k
				}
			}
			var bn *nn.BatchNorm
			if on {
				bn = nn.NewBatchNorm(spec)
			}
			gr, err := NewGraphBN(n, rows, bn)
			if err != nil {
				b.Fatal(err)
			}
			defer gr.Close()
			opt, err := NewAdam(gr.Params(), 1e-3)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				gr.Load(x, targets, nil)
				if _, err := gr.Run(); err != nil {
					b.Fatal(err)
				}
				gs, err := gr.Grads()
				if err != nil {
					b.Fatal(err)
				}
				opt.Step(gs)
			}
		})
	}
}
