package dsnc

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/training"
)

// The benchmark shape of issue 5: input 1024, code 64, K = 20,000; the
// baseline is a plain gorgonia softmax MLP 1024-64-20000 (ReLU hidden layer
// of the code's width) trained the same way (same batch, Adam, TapeMachine,
// loss builder).
const (
	benchIn, benchBits, benchK = 1024, 64, 20000
	benchBatch, benchRows      = 256, 1024 // an epoch of 4 batches keeps the benchmark short
)

func benchData(b *testing.B, rows int) *labelcode.Dataset {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, rows*benchIn)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]int, rows)
	for i := range y {
		y[i] = r.IntN(benchK)
	}
	d, err := labelcode.NewDataset(x, y, benchIn, benchK)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// epochRunner runs one training epoch of a graph over fixed batches.
type epochRunner struct {
	vm      G.VM
	solver  G.Solver
	vgs     []G.ValueGrad
	set     func(rows []int) error
	batches [][]int
}

func (e *epochRunner) epoch(b *testing.B) {
	for _, rows := range e.batches {
		if err := e.set(rows); err != nil {
			b.Fatal(err)
		}
		if err := e.vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		if err := e.solver.Step(e.vgs); err != nil {
			b.Fatal(err)
		}
		e.vm.Reset()
	}
}

func dsncRunner(b *testing.B, d *labelcode.Dataset, batches [][]int) *epochRunner {
	m, err := newModel(Config{Features: benchIn, Bits: benchBits, Classes: benchK}, 1)
	if err != nil {
		b.Fatal(err)
	}
	tg, err := newTrainingGraph(m, benchBatch, false, 1)
	if err != nil {
		b.Fatal(err)
	}
	learn := tg.Net.Learnables()
	return &epochRunner{
		vm:      G.NewTapeMachine(tg.Graph, G.BindDualValues(learn...)),
		solver:  G.NewAdamSolver(),
		vgs:     G.NodesToValueGrads(learn),
		set:     func(rows []int) error { return tg.SetBatch(d, rows, 0, 0) },
		batches: batches,
	}
}

// mlpGraph is the baseline: x → ReLU(x·W1+b1) → ·W2+b2 → softmax NLL,
// built from Dense and NLL (plain gorgonia ops).
type mlpGraph struct {
	g      *G.ExprGraph
	layers [2]Dense
	x, y   *tensor.Dense
	logits *G.Node
	loss   *G.Node
}

func newMLP(b *testing.B, batch int, withLoss bool) *mlpGraph {
	b.Helper()
	// The MLP's weights are a DSNC model's with the hidden layer as the code
	// layer: same shapes, same initialisation.
	m, err := newModel(Config{Features: benchIn, Bits: benchBits, Classes: benchK}, 1)
	if err != nil {
		b.Fatal(err)
	}
	g := G.NewGraph()
	net, err := NewNet(g, m)
	if err != nil {
		b.Fatal(err)
	}
	p := &mlpGraph{g: g, layers: [2]Dense{net.Encoder[0], net.Decoder},
		x: tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(batch, benchIn)),
		y: tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(batch, benchK)),
	}
	xn := G.NewMatrix(g, tensor.Float32, G.WithShape(batch, benchIn), G.WithName("x"), G.WithValue(p.x))
	h := G.Must(G.Rectify(G.Must(p.layers[0].Forward(xn))))
	p.logits = G.Must(p.layers[1].Forward(h))
	if withLoss {
		yn := G.NewMatrix(g, tensor.Float32, G.WithShape(batch, benchK), G.WithName("y"), G.WithValue(p.y))
		sl, err := NLL(p.logits, yn)
		if err != nil {
			b.Fatal(err)
		}
		p.loss = sl.Loss
		if _, err := G.Grad(p.loss, p.learnables()...); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

func (p *mlpGraph) learnables() G.Nodes {
	return G.Nodes{p.layers[0].W, p.layers[0].B, p.layers[1].W, p.layers[1].B}
}

func mlpRunner(b *testing.B, d *labelcode.Dataset, batches [][]int) *epochRunner {
	p := newMLP(b, benchBatch, true)
	learn := p.learnables()
	x, y := p.x.Data().([]float32), p.y.Data().([]float32)
	return &epochRunner{
		vm:     G.NewTapeMachine(p.g, G.BindDualValues(learn...)),
		solver: G.NewAdamSolver(),
		vgs:    G.NodesToValueGrads(learn),
		set: func(rows []int) error {
			clear(y)
			for i, r := range rows {
				copy(x[i*benchIn:(i+1)*benchIn], d.Row(r))
				y[i*benchK+d.Y[r]] = 1
			}
			return nil
		},
		batches: batches,
	}
}

// BenchmarkEpoch times one training epoch (benchRows rows, batches of
// benchBatch) of DSNC and of the MLP baseline, alternating them in every
// iteration so that both see the same machine load; it reports each epoch
// time and the ratio DSNC/MLP.
func BenchmarkEpoch(b *testing.B) {
	d := benchData(b, benchRows)
	s, err := training.NewSampler(d.Len(), benchBatch, 1)
	if err != nil {
		b.Fatal(err)
	}
	batches := s.Epoch()
	name := fmt.Sprintf("in=%d/bits=%d/K=%d/rows=%d/batch=%d", benchIn, benchBits, benchK, benchRows, benchBatch)
	b.Run(name, func(b *testing.B) {
		ds, ml := dsncRunner(b, d, batches), mlpRunner(b, d, batches)
		defer ds.vm.Close()
		defer ml.vm.Close()
		ds.epoch(b) // warm up: allocate the machines' memory
		ml.epoch(b)
		b.ReportAllocs()
		b.ResetTimer()
		var td, tm time.Duration
		for range b.N {
			t0 := time.Now()
			ds.epoch(b)
			t1 := time.Now()
			ml.epoch(b)
			td, tm = td+t1.Sub(t0), tm+time.Since(t1)
		}
		b.ReportMetric(td.Seconds()/float64(b.N), "dsnc-s/epoch")
		b.ReportMetric(tm.Seconds()/float64(b.N), "mlp-s/epoch")
		b.ReportMetric(td.Seconds()/tm.Seconds(), "dsnc/mlp")
		b.ReportMetric(float64(benchRows)*float64(b.N)/td.Seconds(), "dsnc-rows/s")
	})
}

// predictModel returns 16,384 rows and an untrained model of the
// benchmark's shape with their codes as its training codes.
func predictModel(b *testing.B) (*labelcode.Dataset, *Model) {
	d := benchData(b, 16384)
	m, err := newModel(Config{Features: benchIn, Bits: benchBits, Classes: benchK}, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.SetTrainingCodes(d); err != nil {
		b.Fatal(err)
	}
	return d, m
}

// BenchmarkPredict times per-example prediction of the graph-free DSNC
// model with each decoder and of the MLP baseline as a plain gorgonia
// user predicts (a batch-1 graph run by a TapeMachine), alternating them
// example by example; ns/op and allocs/op count both, the metrics split
// them and give the ratio. The nearest-neighbour decoder searches 16,384 training codes
// of an untrained model (close to uniform random codes: the hard case for
// multi-index hashing).
func BenchmarkPredict(b *testing.B) {
	d, m := predictModel(b)
	const probes = 512
	for _, dec := range []Decoding{{Kind: LinearDecoding}, {Kind: NearestDecoding}} {
		b.Run(fmt.Sprintf("in=%d/bits=%d/K=%d/decoder=%v", benchIn, benchBits, benchK, dec.Kind), func(b *testing.B) {
			p, err := predictorOf(m, dec)
			if err != nil {
				b.Fatal(err)
			}
			mlp := newMLP(b, 1, false)
			vm := G.NewTapeMachine(mlp.g)
			defer vm.Close()
			x := mlp.x.Data().([]float32)
			mlpPredict := func(row []float32) {
				copy(x, row)
				if err := vm.RunAll(); err != nil {
					b.Fatal(err)
				}
				vm.Reset()
			}
			mlpPredict(d.Row(0))
			if _, err := p.Predict(d.Row(0)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var td, tm time.Duration
			for i := range b.N {
				row := d.Row(i % probes)
				t0 := time.Now()
				if _, err := p.Predict(row); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				mlpPredict(row)
				td, tm = td+t1.Sub(t0), tm+time.Since(t1)
			}
			b.ReportMetric(float64(td.Nanoseconds())/float64(b.N)/1e3, "dsnc-µs/op")
			b.ReportMetric(float64(tm.Nanoseconds())/float64(b.N)/1e3, "mlp-graph-µs/op")
			b.ReportMetric(td.Seconds()/tm.Seconds(), "dsnc/mlp")
		})
	}
}

// BenchmarkPredictBatch times PredictBatch on 512 rows (both cores), with the
// model and codes of BenchmarkPredict.
func BenchmarkPredictBatch(b *testing.B) {
	d, m := predictModel(b)
	const probes = 512
	for _, dec := range []Decoding{{Kind: LinearDecoding}, {Kind: NearestDecoding}} {
		b.Run(fmt.Sprintf("in=%d/bits=%d/K=%d/decoder=%v/batch=%d", benchIn, benchBits, benchK, dec.Kind, probes), func(b *testing.B) {
			p, err := predictorOf(m, dec)
			if err != nil {
				b.Fatal(err)
			}
			var dst []int
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if dst, err = p.PredictBatch(d.X[:probes*benchIn], probes, dst); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(probes)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
