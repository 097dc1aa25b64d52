package dsnc

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// stGraph is a small graph x·W -> sigmoid -> Binarize -> Σ (b∘v)² used to
// check the straight-through layer.
type stGraph struct {
	g             *G.ExprGraph
	x, w, z, p, b *G.Node
	cost          *G.Node
	v             []float64 // the weights of the cost, per bit
}

func newSTGraph(t *testing.T, n, in, out int, mode Mode, seed uint64) *stGraph {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	g := G.NewGraph()
	xs := make([]float64, n*in)
	for i := range xs {
		xs[i] = r.NormFloat64()
	}
	ws := make([]float64, in*out)
	for i := range ws {
		ws[i] = r.NormFloat64()
	}
	v := make([]float64, n*out)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	s := &stGraph{g: g, v: v}
	dt := tensor.Float32
	s.x = G.NewMatrix(g, dt, G.WithShape(n, in), G.WithName("x"), G.WithValue(denseOf([]int{n, in}, xs)))
	s.w = G.NewMatrix(g, dt, G.WithShape(in, out), G.WithName("w"), G.WithValue(denseOf([]int{in, out}, ws)))
	vn := G.NewMatrix(g, dt, G.WithShape(n, out), G.WithName("v"), G.WithValue(denseOf([]int{n, out}, v)))
	s.z = G.Must(G.Mul(s.x, s.w))
	s.p = G.Must(G.Sigmoid(s.z))
	var err error
	s.b, err = Binarize(s.p, mode, seed)
	require.NoError(t, err)
	s.cost = G.Must(G.Sum(G.Must(G.Square(G.Must(G.HadamardProd(s.b, vn))))))
	return s
}

func denseOf(shape []int, v []float64) *tensor.Dense {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
}

func floats(t *testing.T, v G.Value) []float64 {
	t.Helper()
	switch d := v.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float32:
		return []float64{float64(d)}
	}
	t.Fatalf("unexpected value type %T", v.Data())
	return nil
}

func gradOf(t *testing.T, n *G.Node) []float64 {
	t.Helper()
	gv, err := n.Grad()
	require.NoError(t, err)
	return floats(t, gv)
}

// checkST checks, after a backward pass, that dL/dp equals dL/db exactly,
// that dL/db is the analytic 2·b·v², and that dL/dW is the analytic
// xᵀ·(dL/db ∘ σ'(z)) — the gradient reaches the encoder.
func checkST(t *testing.T, s *stGraph, n, in, out int, tol float64) {
	t.Helper()
	b := floats(t, s.b.Value())
	p := floats(t, s.p.Value())
	x := floats(t, s.x.Value())
	gb, gp, gw := gradOf(t, s.b), gradOf(t, s.p), gradOf(t, s.w)
	require.Equal(t, gb, gp, "straight-through: dL/dp must equal dL/db exactly")
	nonzero := 0
	for i := range gb {
		require.InDelta(t, 2*b[i]*s.v[i]*s.v[i], gb[i], tol*(1+math.Abs(gb[i])))
		if gb[i] != 0 {
			nonzero++
		}
	}
	require.Positive(t, nonzero)
	for i := 0; i < in; i++ {
		for j := 0; j < out; j++ {
			var want float64
			for r := 0; r < n; r++ {
				want += x[r*in+i] * gb[r*out+j] * p[r*out+j] * (1 - p[r*out+j])
			}
			require.InDelta(t, want, gw[i*out+j], tol*(1+math.Abs(want)), "dL/dW[%d,%d]", i, j)
		}
	}
}

func TestBinarizeStraightThroughTape(t *testing.T) {
	const n, in, out = 7, 5, 9
	s := newSTGraph(t, n, in, out, Sample, 3)
	_, err := G.Grad(s.cost, s.w)
	require.NoError(t, err)
	vm := G.NewTapeMachine(s.g, G.TraceExec()) // keep intermediate values readable
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	checkST(t, s, n, in, out, 1e-4)
}

func TestBinarizeStraightThroughLisp(t *testing.T) {
	const n, in, out = 6, 4, 8
	s := newSTGraph(t, n, in, out, Sample, 5)
	vm := G.NewLispMachine(s.g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	checkST(t, s, n, in, out, 1e-4)
}

func TestBinarizeForward(t *testing.T) {
	const n = 4000
	ps := make([]float64, n)
	for i := range ps {
		ps[i] = float64(i%5) / 4 // 0, .25, .5, .75, 1
	}
	g := G.NewGraph()
	p := G.NewVector(g, tensor.Float32, G.WithShape(n), G.WithName("p"), G.WithValue(denseOf([]int{n}, ps)))
	b, err := Binarize(p, Threshold, 1)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	for i, v := range floats(t, b.Value()) {
		want := 0.0
		if ps[i] >= 0.5 {
			want = 1
		}
		require.Equal(t, want, v, "threshold of %v", ps[i])
	}

	// Sample: per level, the frequency of ones is p within 5 binomial
	// standard deviations; p = 0 and p = 1 are exact.
	require.NoError(t, SetMode(b, Sample))
	m, err := ModeOf(b)
	require.NoError(t, err)
	require.Equal(t, Sample, m)
	vm.Reset()
	require.NoError(t, vm.RunAll())
	ones := make([]float64, 5)
	for i, v := range floats(t, b.Value()) {
		require.True(t, v == 0 || v == 1)
		ones[i%5] += v
	}
	for lvl := range 5 {
		q := float64(lvl) / 4
		cnt := float64(n / 5)
		sd := math.Sqrt(cnt * q * (1 - q))
		require.InDelta(t, q*cnt, ones[lvl], 5*sd+1e-9, "level p=%v", q)
	}
}

func TestBinarizeReproducible(t *testing.T) {
	run := func(seed uint64, runs int) [][]float64 {
		const n = 257
		g := G.NewGraph()
		ps := make([]float64, n)
		for i := range ps {
			ps[i] = 0.5
		}
		p := G.NewVector(g, tensor.Float32, G.WithShape(n), G.WithName("p"), G.WithValue(denseOf([]int{n}, ps)))
		b, err := Binarize(p, Sample, seed)
		require.NoError(t, err)
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		var out [][]float64
		for range runs {
			require.NoError(t, vm.RunAll())
			out = append(out, floats(t, b.Value()))
			vm.Reset()
		}
		return out
	}
	a, b, c := run(42, 3), run(42, 3), run(43, 3)
	require.Equal(t, a, b, "same seed, same samples")
	require.NotEqual(t, a[0], a[1], "each run draws a fresh sample")
	require.NotEqual(t, a[1], a[2])
	require.NotEqual(t, a[0], c[0], "another seed, other samples")
}

func TestBinarizeDistinctNodes(t *testing.T) {
	// Two Binarize nodes on the same input must stay two nodes (per-instance
	// hash), or they would draw the same sample.
	g := G.NewGraph()
	p := G.NewVector(g, tensor.Float32, G.WithShape(100), G.WithName("p"), G.WithValue(denseOf([]int{100}, make([]float64, 100))))
	b1, err := Binarize(p, Sample, 1)
	require.NoError(t, err)
	b2, err := Binarize(p, Sample, 1)
	require.NoError(t, err)
	require.NotSame(t, b1, b2)
	require.NotEqual(t, b1.ID(), b2.ID())
}

func TestBinarizeErrors(t *testing.T) {
	g := G.NewGraph()
	p := G.NewVector(g, tensor.Float32, G.WithShape(3), G.WithName("p"))
	_, err := Binarize(p, Mode(7), 1)
	require.True(t, errors.Is(err, ErrMode))
	for _, dt := range []tensor.Dtype{tensor.Int, tensor.Float64} {
		q := G.NewVector(g, dt, G.WithShape(3), G.WithName("q"+dt.String()))
		_, err = Binarize(q, Sample, 1)
		require.Error(t, err, "%v", dt)
	}
	require.True(t, errors.Is(SetMode(p, Sample), ErrNotBinarize))
	_, err = ModeOf(p)
	require.True(t, errors.Is(err, ErrNotBinarize))
	b, err := Binarize(p, Sample, 1)
	require.NoError(t, err)
	require.True(t, errors.Is(SetMode(b, Mode(-1)), ErrMode))
	require.Equal(t, "threshold", Threshold.String())
}
