package labelmap

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/training"
)

// TestCustomLoopMatchesFit trains a MultiHead with a hand-written loop over
// the exported parts (Init, NewTrainingGraph, Relabel, NewSampler, NewAdam
// with a cosine schedule, Accuracy for validation, Clone for the best
// epoch) and requires MultiHead.Fit's model, given the same options and
// schedule, bit for bit: the same weights, history losses and scores, and
// the same saved file.
func TestCustomLoopMatchesFit(t *testing.T) {
	tr, va, te := prototypes(30, 6, 8, 0.3, 5)
	m, err := codes.NewPrimeResidue(30, []int{5, 7, 11})
	if err != nil {
		t.Fatal(err)
	}
	const seed, epochs, batch, lr, lo = 3, 4, 32, 0.02, 0.002
	sched := training.Cosine(lr, lo, epochs)
	opts := []Option{WithHidden(24), WithEpochs(epochs), WithBatchSize(batch), WithSeed(seed)}
	want, err := NewMultiHead(m, append(opts, WithSchedule(sched))...)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := want.Fit(context.Background(), tr, va)
	if err != nil {
		t.Fatal(err)
	}

	h, err := NewMultiHead(m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Init(tr.Features); err != nil {
		t.Fatal(err)
	}
	g, err := h.NewTrainingGraph(batch)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	targets, err := Relabel(m, tr.Y, nil)
	if err != nil {
		t.Fatal(err)
	}
	sampler, err := training.NewSampler(tr.Len(), batch, seed)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := training.NewAdam(g.Params(), lr)
	if err != nil {
		t.Fatal(err)
	}
	var best *MultiHead
	bestAcc := math.Inf(-1)
	for epoch := 0; epoch < epochs; epoch++ {
		var sum float64
		for b, rows := range sampler.Epoch() {
			if err := opt.SetLearningRate(sched(epoch+1, b+1, sampler.Batches())); err != nil {
				t.Fatal(err)
			}
			if err := g.SetBatch(tr, targets, rows); err != nil {
				t.Fatal(err)
			}
			loss, err := g.Run()
			if err != nil {
				t.Fatal(err)
			}
			var parts float64
			for i := range g.Losses {
				parts += g.SiteLoss(i)
			}
			if parts != loss {
				t.Fatalf("Run gave %v, the sites' losses sum to %v", loss, parts)
			}
			grads, err := g.Grads()
			if err != nil {
				t.Fatal(err)
			}
			if err := opt.Step(grads); err != nil {
				t.Fatal(err)
			}
			sum += loss
		}
		if got, w := sum/float64(sampler.Batches()), hist.Epochs[epoch].Loss; got != w {
			t.Fatalf("epoch %d: mean loss %v, Fit's %v", epoch, got, w)
		}
		acc, err := h.Accuracy(va)
		if err != nil {
			t.Fatal(err)
		}
		if w := hist.Epochs[epoch].Score; acc != w {
			t.Fatalf("epoch %d: validation accuracy %v, Fit's %v", epoch, acc, w)
		}
		if acc > bestAcc {
			best, bestAcc = h.Clone(), acc
		}
	}
	a, _ := want.MarshalBinary()
	b, err := best.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the custom loop's model differs from Fit's")
	}
	// The clone predicts and saves like a fitted model.
	back := reloaded(t, best, filepath.Join(t.TempDir(), "mh.lm"))
	samePredictions(t, want, back, te)

	// The schedule is used: a constant rate gives another model.
	other, _ := NewMultiHead(m, append(opts, WithLearningRate(lr))...)
	if _, err := other.Fit(context.Background(), tr, va); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.MarshalBinary(); bytes.Equal(a, c) {
		t.Fatal("the cosine schedule changed nothing")
	}
}

func TestCustomLoopErrors(t *testing.T) {
	tr, _, _ := prototypes(6, 4, 4, 0.3, 1)
	m, _ := codes.NewPrimeResidue(6, []int{2, 3})
	h, _ := NewMultiHead(m, WithHidden(4), WithEpochs(2), WithBatchSize(8))
	if _, err := h.NewTrainingGraph(8); !errors.Is(err, ErrNotFitted) {
		t.Errorf("graph before Init: %v", err)
	}
	if err := h.Init(0); !errors.Is(err, ErrInput) {
		t.Errorf("Init(0): %v", err)
	}
	if err := h.Init(tr.Features); err != nil {
		t.Fatal(err)
	}
	if _, err := h.NewTrainingGraph(0); !errors.Is(err, ErrConfig) {
		t.Errorf("batch 0: %v", err)
	}
	g, err := h.NewTrainingGraph(8)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Grads(); err == nil {
		t.Error("gradients before a run")
	}
	targets, _ := Relabel(m, tr.Y, nil)
	rows := []int{0, 1, 2, 3, 4, 5, 6, 7}
	for name, err := range map[string]error{
		"short batch":   g.SetBatch(tr, targets, rows[:4]),
		"row outside":   g.SetBatch(tr, targets, []int{0, 1, 2, 3, 4, 5, 6, tr.Len()}),
		"one site":      g.SetBatch(tr, targets[:1], rows),
		"short targets": g.SetBatch(tr, [][]int{targets[0][:3], targets[1]}, rows),
	} {
		if !errors.Is(err, ErrInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad, _ := NewMultiHead(m, WithHidden(4), WithEpochs(2), WithBatchSize(8), WithSchedule(func(epoch, batch, batches int) float64 {
		return 0.01 - float64(epoch-1)
	}))
	if _, err := bad.Fit(context.Background(), tr, nil); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "epoch 2, batch 1") {
		t.Errorf("negative scheduled rate: %v", err)
	}
}

func TestEnsembleString(t *testing.T) {
	m, _ := codes.NewPrimeResidue(6, []int{2, 3})
	e, err := NewEnsemble(m, WithHidden(4))
	if err != nil {
		t.Fatal(err)
	}
	want := "Label Mapping ensemble over prime residue (mixed LM): 6 classes, 2 sites mod 2 3, minimum distance 1; 0 of 2 sites fitted, 0 params\n" +
		"  site 0 (2 symbols): missing\n  site 1 (3 symbols): missing"
	if got := e.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
