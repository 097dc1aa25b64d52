package report

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
)

// blobs returns n rows of 12 well-separated classes in 8 dimensions.
func blobs(n int, seed uint64) *labelcode.Dataset {
	r := rand.New(rand.NewPCG(1, 1)) // the same centres for every call
	centres := make([]float64, 12*8)
	for i := range centres {
		centres[i] = 3 * r.NormFloat64()
	}
	r = rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, 0, n*8)
	y := make([]int, n)
	for i := range y {
		c := i % 12
		y[i] = c
		for j := 0; j < 8; j++ {
			x = append(x, float32(centres[c*8+j]+0.3*r.NormFloat64()))
		}
	}
	d, err := labelcode.NewDataset(x, y, 8, 12)
	if err != nil {
		panic(err)
	}
	return d
}

// TestFitAndMeasure trains each kind of model the examples use on an easy
// problem and checks that the row is filled in and the accuracy is high.
func TestFitAndMeasure(t *testing.T) {
	train, val, test := blobs(960, 1), blobs(240, 2), blobs(240, 3)
	tr := Training{Hidden: []int{16}, Epochs: 12, Patience: 3, Batch: 32, LearningRate: 0.01, Seed: 1}
	m, err := codes.NewPrimeResidue(12, []int{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	check := func(r Result, c Classifier, floor float64) {
		t.Helper()
		pred, err := Measure(&r, c, train, test, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(pred) != test.Len() || r.Params <= 0 || r.Epochs < 1 || r.TrainTime <= 0 || r.Latency <= 0 {
			t.Errorf("%s: incomplete row %+v", r.Model, r)
		}
		if r.TestAcc < floor || r.TrainAcc < floor || math.IsNaN(r.TrainAcc) {
			t.Errorf("%s: accuracy train %.3f test %.3f, want at least %.2f", r.Model, r.TrainAcc, r.TestAcc, floor)
		}
		if !strings.Contains(r.Note, "best epoch") {
			t.Errorf("%s: note %q lacks the best epoch", r.Model, r.Note)
		}
	}

	r := Result{Model: "ensemble"}
	e, err := FitEnsemble(ctx, &r, m, 2, train, val, tr)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.Params(); r.Params != want {
		t.Errorf("params %d, want %d", r.Params, want)
	}
	check(r, e, 0.95)

	r = Result{Model: "multihead"}
	h, err := FitMultiHead(ctx, &r, m, train, val, tr)
	if err != nil {
		t.Fatal(err)
	}
	check(r, h, 0.95)

	r = Result{Model: "dsnc"}
	ds, err := FitDSNC(ctx, &r, 8, train, val, tr)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.SetDecoder(dsnc.Decoding{Kind: dsnc.NearestDecoding}); err != nil {
		t.Fatal(err)
	}
	check(r, ds, 0.9)
	if !strings.Contains(r.Note, "training codes") {
		t.Errorf("dsnc note %q", r.Note)
	}
}
