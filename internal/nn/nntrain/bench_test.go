package nntrain

import (
	"fmt"
	"github.com/labelcode/labelcode/internal/nn"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The shapes of issue 8's benchmark (bench/): batch 256, 1024 inputs, a
// 512-wide hidden layer, 20,000 classes, a 64-bit code, three heads of
// about 150.

func randomF32(n int, seed uint64) []float32 {
	return randomDense(rand.New(rand.NewPCG(seed, 1)), 1, n).Data().([]float32)
}

// BenchmarkProduct times the matrix products of one training step on the
// BLAS in use (nn.Backend), by name and shape m×k·k×n.
func BenchmarkProduct(b *testing.B) {
	cases := []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{"trunk.fwd", blas.NoTrans, blas.NoTrans, 256, 512, 1024},
		{"trunk.dW", blas.Trans, blas.NoTrans, 1024, 512, 256},
		{"softmax.fwd", blas.NoTrans, blas.NoTrans, 256, 20000, 512},
		{"softmax.dW", blas.Trans, blas.NoTrans, 512, 20000, 256},
		{"softmax.dX", blas.NoTrans, blas.Trans, 256, 512, 20000},
		{"decoder.fwd", blas.NoTrans, blas.NoTrans, 256, 20000, 64},
		{"decoder.dW", blas.Trans, blas.NoTrans, 64, 20000, 256},
		{"decoder.dX", blas.NoTrans, blas.Trans, 256, 64, 20000},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/%dx%dx%d", c.name, c.m, c.k, c.n), func(b *testing.B) {
			ar, ac := c.m, c.k
			if c.tA == blas.Trans {
				ar, ac = ac, ar
			}
			br, bc := c.k, c.n
			if c.tB == blas.Trans {
				br, bc = bc, br
			}
			x := blas32.General{Rows: ar, Cols: ac, Stride: ac, Data: randomF32(ar*ac, 1)}
			y := blas32.General{Rows: br, Cols: bc, Stride: bc, Data: randomF32(br*bc, 2)}
			z := blas32.General{Rows: c.m, Cols: c.n, Stride: c.n, Data: make([]float32, c.m*c.n)}
			b.ReportAllocs()
			for b.Loop() {
				blas32.Gemm(c.tA, c.tB, 1, x, y, 0, z)
			}
			b.ReportMetric(2*float64(c.m*c.n*c.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkCrossEntropy times the fused loss's forward and backward passes
// on a batch of logits.
func BenchmarkCrossEntropy(b *testing.B) {
	for _, classes := range []int{151, 20000} {
		b.Run(fmt.Sprintf("rows=256/classes=%d", classes), func(b *testing.B) {
			const rows = 256
			g := G.NewGraph()
			z := G.NewMatrix(g, tensor.Float32, G.WithShape(rows, classes), G.WithValue(
				tensor.New(tensor.WithShape(rows, classes), tensor.WithBacking(randomF32(rows*classes, 3)))))
			t := make([]float32, rows)
			for r := range t {
				t[r] = float32(r * 7 % classes)
			}
			tn := G.NewVector(g, tensor.Float32, G.WithShape(rows), G.WithValue(tensor.New(tensor.WithShape(rows), tensor.WithBacking(t))))
			ce, err := SoftmaxCrossEntropy(z, tn)
			if err != nil {
				b.Fatal(err)
			}
			grad := &crossEntropyGradOp{fwd: ce.op}
			one := G.NewF32(1)
			zv, tv := z.Value(), tn.Value()
			b.SetBytes(4 * rows * int64(classes))
			b.ReportAllocs()
			for b.Loop() {
				l, err := ce.op.Do(zv, tv)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := grad.Do(zv, l, one); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAdam times one step over the weights of the 1024-512-20000
// network.
func BenchmarkAdam(b *testing.B) {
	sizes := []int{1024 * 512, 512, 512 * 20000, 20000}
	var ps, gs [][]float32
	n := 0
	for i, s := range sizes {
		ps = append(ps, randomF32(s, uint64(i)))
		gs = append(gs, randomF32(s, uint64(i)+10))
		n += s
	}
	opt, err := NewAdam(ps, 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(4 * int64(n))
	b.ReportAllocs()
	for b.Loop() {
		opt.Step(gs)
	}
}

// benchNets are the networks of the benchmark (bench/README.md): one-hot
// and Label Mapping heads over 20000 classes.
var benchNets = []struct {
	name string
	spec nn.Spec
}{
	{"onehot", nn.Spec{Inputs: 1024, Hidden: []int{512}, Heads: []int{20000}}},
	{"lm", nn.Spec{Inputs: 1024, Hidden: []int{512}, Heads: []int{149, 151, 157}}},
}

// BenchmarkTrainStep times one minibatch (Graph.Load, Run, Adam.Step) of
// the benchmark's one-hot and Label Mapping networks.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range benchNets {
		b.Run(c.name, func(b *testing.B) {
			const rows = 256
			n := mustNet(b, c.spec, 1)
			x := randomF32(rows*c.spec.Inputs, 4)
			targets := make([][]int, len(c.spec.Heads))
			for h, k := range c.spec.Heads {
				targets[h] = make([]int, rows)
				for r := range targets[h] {
					targets[h][r] = (r * 31) % k
				}
			}
			gr, err := NewGraph(n, rows)
			if err != nil {
				b.Fatal(err)
			}
			defer gr.Close()
			opt, err := NewAdam(gr.Params(), 1e-3)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
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

// BenchmarkForward times the graph-free forward pass of one example and of
// a batch of 256, for the benchmark's networks.
func BenchmarkForward(b *testing.B) {
	for _, c := range benchNets {
		n := mustNet(b, c.spec, 1)
		x := randomF32(256*c.spec.Inputs, 5)
		b.Run(c.name+"/rows=1", func(b *testing.B) {
			var ws nn.Workspace
			var dst []float32
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				dst = n.Forward(x[i*c.spec.Inputs:(i+1)*c.spec.Inputs], &ws, dst)
				i = (i + 1) % 256
			}
		})
		b.Run(c.name+"/rows=256", func(b *testing.B) {
			var ws nn.Workspace
			var dst []float32
			b.ReportAllocs()
			for b.Loop() {
				dst = n.ForwardBatch(x, 256, &ws, dst)
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(b.N*256), "µs/row")
		})
	}
}

// BenchmarkColumnSums times the bias gradient of a batch of 256 (the
// column sums of dz through the row kernel with unit weights) at the
// benchmark's layer widths.
func BenchmarkColumnSums(b *testing.B) {
	for _, cols := range []int{151, 512, 20000} {
		b.Run(fmt.Sprintf("rows=256/cols=%d", cols), func(b *testing.B) {
			const rows = 256
			dz := matrix{rows: rows, cols: cols, f32: randomF32(rows*cols, 6)}
			db := matrix{rows: 1, cols: cols, f32: make([]float32, cols)}
			b.SetBytes(4 * rows * int64(cols))
			b.ReportAllocs()
			for b.Loop() {
				columnSums(db, dz, false)
			}
		})
	}
}
