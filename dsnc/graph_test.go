package dsnc

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/hamming"
)

// smallGraph builds, from the exported parts, the training graph of a small
// model with a hidden layer, the Binarize node in Threshold mode
// (fixed codes) and the regulariser, on one batch of blobs.
type smallGraph struct {
	m      *Model
	g      *G.ExprGraph
	net    *Net
	x, y   *G.Node
	probs  *G.Node
	bits   *G.Node
	loss   *SoftmaxLoss
	reg    *Regulariser
	cost   *G.Node
	d      *labelcode.Dataset
	labels []int
}

func newSmallGraph(t *testing.T, costOf func(s *smallGraph) *G.Node) *smallGraph {
	t.Helper()
	const n, f, k = 8, 5, 4
	d := blobs(t, k, 4, f, 0.5, 11)
	d = d.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7})
	m, err := newModel(Config{Features: f, Hidden: []int{6}, Bits: 7, Classes: k}, 3)
	require.NoError(t, err)
	s := &smallGraph{m: m, g: G.NewGraph(), d: d, labels: d.Y}
	s.net, err = NewNet(s.g, m)
	require.NoError(t, err)
	xs := append([]float32(nil), d.X...)
	ys := make([]float32, n*k)
	for i, y := range d.Y {
		ys[i*k+y] = 1
	}
	s.x = G.NewMatrix(s.g, tensor.Float32, G.WithShape(n, f), G.WithName("x"), G.WithValue(tensor.New(tensor.WithShape(n, f), tensor.WithBacking(xs))))
	s.y = G.NewMatrix(s.g, tensor.Float32, G.WithShape(n, k), G.WithName("y"), G.WithValue(tensor.New(tensor.WithShape(n, k), tensor.WithBacking(ys))))
	s.probs, err = s.net.Encode(s.x)
	require.NoError(t, err)
	s.bits, err = Binarize(s.probs, Threshold, 1)
	require.NoError(t, err)
	logits, err := s.net.Decode(s.bits)
	require.NoError(t, err)
	s.loss, err = NLL(logits, s.y)
	require.NoError(t, err)
	s.reg, err = NewRegulariser(s.probs)
	require.NoError(t, err)
	require.NoError(t, s.reg.SetBatch(d.Y, 0.7, 0.3))
	s.cost = costOf(s)
	return s
}

// numericCheck compares the gradient of s.cost with respect to every
// element of the given learnables with central differences, taken over a
// step large enough for float32 and divided by the step the rounded
// weights actually took.
func numericCheck(t *testing.T, s *smallGraph, wrt G.Nodes) {
	t.Helper()
	_, err := G.Grad(s.cost, wrt...)
	require.NoError(t, err)
	vm := G.NewTapeMachine(s.g, G.BindDualValues(wrt...))
	defer vm.Close()
	eval := func() float64 {
		vm.Reset()
		require.NoError(t, vm.RunAll())
		return floatOf(s.cost.Value())
	}
	eval()
	grads := make([][]float64, len(wrt))
	for i, n := range wrt {
		grads[i] = gradOf(t, n)
	}
	const h = 1e-2
	checked := 0
	for i, n := range wrt {
		w := n.Value().Data().([]float32)
		for j := range w {
			old := w[j]
			w[j] = old + h
			hi := w[j]
			up := eval()
			w[j] = old - h
			lo := w[j]
			down := eval()
			w[j] = old
			num := (up - down) / float64(hi-lo)
			require.InDelta(t, num, grads[i][j], 2e-3*(1+math.Abs(num)), "%v[%d]", n, j)
			checked++
		}
	}
	require.Positive(t, checked)
}

// TestDecoderLossGradient checks the gradient of NLL + regulariser with
// respect to the decoder numerically, with the codes fixed (Threshold).
func TestDecoderLossGradient(t *testing.T) {
	s := newSmallGraph(t, func(s *smallGraph) *G.Node { return G.Must(G.Add(s.loss.Loss, s.reg.Cost)) })
	numericCheck(t, s, G.Nodes{s.net.Decoder.W, s.net.Decoder.B})
}

// TestRegulariserGradient checks the gradient of the regulariser with
// respect to every encoder layer numerically (the regulariser is a smooth
// function of φ(x), so no straight-through estimate is involved).
func TestRegulariserGradient(t *testing.T) {
	s := newSmallGraph(t, func(s *smallGraph) *G.Node { return s.reg.Cost })
	var wrt G.Nodes
	for _, d := range s.net.Encoder {
		wrt = append(wrt, d.W, d.B)
	}
	numericCheck(t, s, wrt)
}

// TestRegulariserValue compares Intra and Inter with the pairwise
// definition computed directly.
func TestRegulariserValue(t *testing.T) {
	s := newSmallGraph(t, func(s *smallGraph) *G.Node { return s.reg.Cost })
	vm := G.NewTapeMachine(s.g, G.TraceExec())
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	p := floats(t, s.probs.Value())
	c := s.m.Config.Bits
	var si, sx float64
	var ni, nx int
	for i, yi := range s.labels {
		for j, yj := range s.labels {
			if i == j {
				continue
			}
			var d float64
			for b := 0; b < c; b++ {
				e := p[i*c+b] - p[j*c+b]
				d += e * e
			}
			if yi == yj {
				si, ni = si+d, ni+1
			} else {
				sx, nx = sx+d, nx+1
			}
		}
	}
	require.Positive(t, ni)
	require.Positive(t, nx)
	intra, inter := floatOf(s.reg.Intra.Value()), floatOf(s.reg.Inter.Value())
	// float32 arithmetic, and the Gram form cancels: 1e-5 of distances ~0.1
	require.InDelta(t, si/float64(ni), intra, 1e-5)
	require.InDelta(t, sx/float64(nx), inter, 1e-5)
	require.InDelta(t, 0.7*intra-0.3*inter, floatOf(s.reg.Cost.Value()), 1e-6)

	require.True(t, errors.Is(s.reg.SetBatch(s.labels[:3], 1, 1), ErrShape))
	require.True(t, errors.Is(s.reg.SetBatch(s.labels, -1, 1), ErrConfig))
	require.True(t, errors.Is(s.reg.SetBatch(s.labels, 1, math.NaN()), ErrConfig))
}

// TestSTGradientReachesEncoder checks, on the full model graph, that the
// encoder's gradients of the NLL are nonzero and that the gradient at the
// code probabilities equals the gradient at the bits (straight-through).
func TestSTGradientReachesEncoder(t *testing.T) {
	s := newSmallGraph(t, func(s *smallGraph) *G.Node { return s.loss.Loss })
	require.NoError(t, SetMode(s.bits, Sample))
	learn := s.net.Learnables()
	_, err := G.Grad(s.cost, learn...)
	require.NoError(t, err)
	vm := G.NewTapeMachine(s.g, G.TraceExec())
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	require.Equal(t, gradOf(t, s.bits), gradOf(t, s.probs))
	for _, n := range learn {
		nz := 0
		for _, v := range gradOf(t, n) {
			if v != 0 {
				nz++
			}
		}
		require.Positive(t, nz, "gradient of %v is all zero", n)
	}
}

// TestEncoderMatchesGraph checks the graph-free Encoder against the graph's
// threshold codes and a float64 reference, on bits whose pre-activation is
// not within rounding of 0.
func TestEncoderMatchesGraph(t *testing.T) {
	const rows, f = 50, 12
	cfg := Config{Features: f, Hidden: []int{9, 7}, Bits: 70, Classes: 3}
	m, err := newModel(cfg, 9)
	require.NoError(t, err)
	d := blobs(t, 3, rows/3+1, f, 1, 4)
	d = d.Subset(rand.New(rand.NewPCG(1, 1)).Perm(d.Len())[:rows])

	g := G.NewGraph()
	net, err := NewNet(g, m)
	require.NoError(t, err)
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(rows, f), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(rows, f), tensor.WithBacking(append([]float32(nil), d.X...)))))
	p, err := net.Encode(x)
	require.NoError(t, err)
	b, err := Binarize(p, Threshold, 0)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	gb := floats(t, b.Value())

	// float64 reference pre-activations
	ref := make([]float64, 0, rows*cfg.Bits)
	for r := 0; r < rows; r++ {
		h := floats(t, tensor.New(tensor.WithShape(f), tensor.WithBacking(append([]float32(nil), d.Row(r)...))))
		for li, l := range m.Encoder {
			w, bb := f64(l.W), f64(l.B)
			out := append([]float64(nil), bb...)
			for i, xi := range h {
				for j := range out {
					out[j] += xi * w[i*l.Out+j]
				}
			}
			if li < len(m.Encoder)-1 {
				for j := range out {
					out[j] = math.Max(out[j], 0)
				}
			}
			h = out
		}
		ref = append(ref, h...)
	}

	e, err := newEncoder(m)
	require.NoError(t, err)
	var ws workspace
	batch := e.EncodeBatch(d.X, rows, nil, &ws)
	words := hamming.Words(cfg.Bits)
	require.Equal(t, words, e.Words())
	var one []uint64
	compared := 0
	for r := 0; r < rows; r++ {
		one = e.Encode(d.Row(r), one, &ws)
		require.Equal(t, batch[r*words:(r+1)*words], one, "row %d: Encode and EncodeBatch", r)
		require.Zero(t, one[words-1]>>(cfg.Bits%64), "unused high bits must be zero")
		for i := 0; i < cfg.Bits; i++ {
			z := ref[r*cfg.Bits+i]
			if math.Abs(z) < 1e-4 {
				continue
			}
			want := z >= 0
			require.Equal(t, want, one[i/64]>>(i%64)&1 == 1, "row %d bit %d (z=%v)", r, i, z)
			require.Equal(t, want, gb[r*cfg.Bits+i] == 1, "graph row %d bit %d", r, i)
			compared++
		}
	}
	require.Greater(t, compared, rows*cfg.Bits*9/10)

	allocs := testing.AllocsPerRun(50, func() { one = e.Encode(d.Row(3), one, &ws) })
	require.Zero(t, allocs)
	allocs = testing.AllocsPerRun(20, func() { batch = e.EncodeBatch(d.X, rows, batch, &ws) })
	require.Zero(t, allocs)
}

func TestModelErrors(t *testing.T) {
	for _, tc := range []struct {
		opts              []Option
		features, classes int
	}{
		{nil, 0, 2},
		{nil, 3, 1},
		{[]Option{WithBits(8)}, -1, 2},
		{[]Option{WithHidden(4)}, 3, 0},
	} {
		m, err := New(tc.opts...)
		require.NoError(t, err)
		err = m.Init(tc.features, tc.classes)
		require.True(t, errors.Is(err, ErrConfig), "%+v: %v", tc, err)
	}
	for _, o := range []Option{WithBits(0), WithBits(MaxBits + 1), WithHidden(4, 0)} {
		_, err := New(o)
		require.True(t, errors.Is(err, ErrConfig), "%v", err)
	}
	m, err := New(WithHidden(5), WithBits(8))
	require.NoError(t, err)
	require.NoError(t, m.Init(3, 4))
	require.Equal(t, 3*5+5+5*8+8+8*4+4, m.Params())
	require.Contains(t, m.String(), "8-bit code")
	_, err = m.Predict([]float32{1, 2, 3})
	require.ErrorIs(t, err, ErrNotFitted, "Init alone does not prepare prediction")
	m.Decoder.W[2] = float32(math.NaN())
	_, err = newEncoder(m)
	require.True(t, errors.Is(err, ErrNonFinite))
	_, err = m.NewTrainingGraph(4)
	require.True(t, errors.Is(err, ErrNonFinite))
	err = m.SetTrainingCodes(blobs(t, 4, 3, 3, 1, 1))
	require.True(t, errors.Is(err, ErrNonFinite))
}

// floatOf returns a scalar value (or the first element of a tensor) as a
// float64, NaN for another type.
func floatOf(v G.Value) float64 {
	switch d := v.Data().(type) {
	case float32:
		return float64(d)
	case []float32:
		return float64(d[0])
	}
	return math.NaN()
}
