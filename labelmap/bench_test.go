package labelmap

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
)

// Benchmark shapes of the issue: K = 20,000 classes, hidden layer 512. The
// input is narrow (32 features) and an epoch is 512 rows in minibatches of
// 256, so that a run finishes; training cost is dominated by the output
// layers, which is what the one-hot / LM comparison is about.
const (
	benchK      = 20000
	benchHidden = 512
	benchInputs = 32
	benchRows   = 512
	benchBatch  = 256
)

func benchData() *labelcode.Dataset {
	rng := rand.New(rand.NewPCG(1, 1))
	d := &labelcode.Dataset{Features: benchInputs, Classes: benchK}
	for r := 0; r < benchRows; r++ {
		for j := 0; j < benchInputs; j++ {
			d.X = append(d.X, float32(rng.NormFloat64()))
		}
		d.Y = append(d.Y, rng.IntN(benchK))
	}
	return d
}

type benchModel struct {
	name string
	m    codes.Mapping
}

func benchModels(b *testing.B) []benchModel {
	oh, err := codes.NewOneHot(benchK)
	if err != nil {
		b.Fatal(err)
	}
	ms := []benchModel{{"onehot", oh}}
	for _, n := range []int{2, 3, 4} {
		primes, err := codes.ChoosePrimes(benchK, n, 2)
		if err != nil {
			b.Fatal(err)
		}
		m, err := codes.NewPrimeResidue(benchK, primes)
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, benchModel{fmt.Sprintf("lm%d%v", n, primes), m})
	}
	return ms
}

var benchOpts = []Option{WithHidden(benchHidden), WithEpochs(1), WithBatchSize(benchBatch), WithSeed(1)}

// predictor is what the prediction benchmark needs of a model.
type predictor interface {
	Predict([]float32) (int, error)
	LogScores([]float32, [][]float64) ([][]float64, error)
}

// BenchmarkTrain times one epoch (512 rows) of an Ensemble (one MLP per
// site, sites trained concurrently on GOMAXPROCS) and of the shared-trunk
// MultiHead, and reports their weight counts.
func BenchmarkTrain(b *testing.B) {
	d := benchData()
	for _, bm := range benchModels(b) {
		b.Run("ensemble/"+bm.name, func(b *testing.B) {
			benchFit(b, d, func() (Model, error) { return NewEnsemble(bm.m, benchOpts...) })
		})
		if bm.m.Sites() == 1 {
			continue // a one-head MultiHead is the one-hot ensemble
		}
		b.Run("multihead/"+bm.name, func(b *testing.B) {
			benchFit(b, d, func() (Model, error) { return NewMultiHead(bm.m, benchOpts...) })
		})
	}
}

// benchFit times b.N fits of a model newModel builds on d and reports its
// weight count and the time per training row.
func benchFit(b *testing.B, d *labelcode.Dataset, newModel func() (Model, error)) {
	var params int
	for i := 0; i < b.N; i++ {
		m, err := newModel()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Fit(context.Background(), d, nil); err != nil {
			b.Fatal(err)
		}
		params = m.Params()
	}
	b.ReportMetric(float64(params), "params")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkPredict times one example at a time, as a service calls it:
// "scores" is the networks' forward passes alone (LogScores), "predict"
// adds max-product decoding. The models are trained for one epoch only, so
// their outputs are far flatter than a trained model's: a hard case for the
// decoder.
func BenchmarkPredict(b *testing.B) {
	d := benchData()
	for _, bm := range benchModels(b) {
		models := map[string]predictor{}
		e, err := NewEnsemble(bm.m, benchOpts...)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Fit(context.Background(), d, nil); err != nil {
			b.Fatal(err)
		}
		models["ensemble"] = e
		if bm.m.Sites() > 1 {
			h, err := NewMultiHead(bm.m, benchOpts...)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := h.Fit(context.Background(), d, nil); err != nil {
				b.Fatal(err)
			}
			models["multihead"] = h
		}
		for _, kind := range []string{"ensemble", "multihead"} {
			p := models[kind]
			if p == nil {
				continue
			}
			b.Run(kind+"/"+bm.name+"/scores", func(b *testing.B) {
				b.ReportAllocs()
				var dst [][]float64
				for i := 0; i < b.N; i++ {
					if dst, err = p.LogScores(d.Row(i%benchRows), dst); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(kind+"/"+bm.name+"/predict", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := p.Predict(d.Row(i % benchRows)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
