package dsnc_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
)

// clusters returns k classes of 30 rows each around random centres in 16
// dimensions: an easy problem with a known answer.
func clusters(k int, seed uint64) *labelcode.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	const f = 16
	centres := make([]float64, k*f)
	for i := range centres {
		centres[i] = 2 * r.NormFloat64()
	}
	var x []float32
	var y []int
	for i := 0; i < 30*k; i++ {
		c := i % k
		for j := 0; j < f; j++ {
			x = append(x, float32(centres[c*f+j]+0.5*r.NormFloat64()))
		}
		y = append(y, c)
	}
	d, err := labelcode.NewDataset(x, y, f, k)
	if err != nil {
		panic(err)
	}
	return d
}

// New takes the options, Fit trains DSNC end to end and leaves a model
// that predicts without the graph, here with the nearest training code
// (the paper's NN decoder).
func ExampleModel_Fit() {
	d := clusters(50, 1)
	train, val, test, err := d.Split(0.1, 0.1, 1) // the paper's 80/10/10
	if err != nil {
		panic(err)
	}
	m, err := dsnc.New(dsnc.WithBits(16), dsnc.WithBatchSize(100), dsnc.WithLearningRate(0.01),
		dsnc.WithDecoder(dsnc.Decoding{Kind: dsnc.NearestDecoding}))
	if err != nil {
		panic(err)
	}
	hist, err := m.Fit(context.Background(), train, val)
	if err != nil {
		panic(err)
	}
	y, err := m.Predict(test.Row(0))
	if err != nil {
		panic(err)
	}
	acc, err := m.Accuracy(test)
	if err != nil {
		panic(err)
	}
	fmt.Println("epochs run:", len(hist.Epochs) > 0, "best:", hist.Best > 0)
	fmt.Println("first test row right:", y == test.Y[0])
	fmt.Printf("test accuracy: %.1f\n", acc)
	// Output:
	// epochs run: true best: true
	// first test row right: true
	// test accuracy: 1.0
}

// Binarize adds the straight-through binary layer to any gorgonia graph;
// SetMode switches a built graph between sampling and thresholding.
func ExampleBinarize() {
	g := G.NewGraph()
	p := G.NewVector(g, tensor.Float32, G.WithShape(4), G.WithName("p"),
		G.WithValue(tensor.New(tensor.WithShape(4), tensor.WithBacking([]float32{0.1, 0.6, 0.5, 0.95}))))
	b, err := dsnc.Binarize(p, dsnc.Threshold, 42)
	if err != nil {
		panic(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		panic(err)
	}
	fmt.Println(b.Value().Data())

	// the same graph now draws b ~ Bernoulli(p), a fresh sample per run
	if err := dsnc.SetMode(b, dsnc.Sample); err != nil {
		panic(err)
	}
	mode, _ := dsnc.ModeOf(b)
	fmt.Println(mode)
	// Output:
	// [0 1 1 1]
	// sample
}

// Analyze gives the latent-space statistics of the paper's Table 3.
func ExampleModel_Analyze() {
	d := clusters(20, 2)
	m, err := dsnc.New(dsnc.WithBits(12), dsnc.WithEpochs(10), dsnc.WithBatchSize(100), dsnc.WithLearningRate(0.01),
		dsnc.WithSeed(2))
	if err != nil {
		panic(err)
	}
	if _, err := m.Fit(context.Background(), d, nil); err != nil {
		panic(err)
	}
	st, err := m.Analyze(d)
	if err != nil {
		panic(err)
	}
	fmt.Println("rows:", st.Rows)
	fmt.Println("codes closer within classes than across:", st.Intra < st.Inter)
	// Output:
	// rows: 600
	// codes closer within classes than across: true
}

// A model saves to one versioned file with its weights, training codes and
// decoder choice; Load reads it back ready to predict, with the decoder
// the file recorded or the one WithDecoder names.
func ExampleLoad() {
	d := clusters(10, 3)
	m, err := dsnc.New(dsnc.WithBits(8), dsnc.WithEpochs(5), dsnc.WithBatchSize(100), dsnc.WithLearningRate(0.01),
		dsnc.WithSeed(3))
	if err != nil {
		panic(err)
	}
	if _, err := m.Fit(context.Background(), d, nil); err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "dsnc")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.dsnc")
	if err := m.Save(path); err != nil {
		panic(err)
	}
	q, err := dsnc.Load(path, dsnc.WithDecoder(dsnc.Decoding{Kind: dsnc.TableDecoding}))
	if err != nil {
		panic(err)
	}
	y1, _ := m.Predict(d.Row(0))
	y2, _ := q.Predict(d.Row(0))
	top, _ := m.TopK(d.Row(0), 2, nil)
	fmt.Println(m.Decoding(), "→", q.Decoding(), y1 == y2, top[0].Label == y1)
	_, err = q.TopK(d.Row(0), 2, nil)
	fmt.Println(errors.Is(err, dsnc.ErrUnsupported))
	// Output:
	// linear → table of linear true true
	// true
}
