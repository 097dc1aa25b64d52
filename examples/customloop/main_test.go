package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/examples/internal/report/reporttest"
	"github.com/labelcode/labelcode/training"
)

// TestLoopMatchesFit: without the warm-up, the hand-written loop is Fit's
// loop. Given the same cosine schedule, regulariser weights (not adapted),
// seed, batch and rows per class, Model.Fit returns the same model bit for
// bit: the same history losses and validation accuracies, and the same
// bytes when saved (weights, training codes). With the warm-up the loop
// trains another model, so the comparison can fail.
func TestLoopMatchesFit(t *testing.T) {
	c := reporttest.Parse(t, parseArgs, "-smoke", "-train", "1500", "-warmup", "0", "-epochs", "3")
	d, err := load(c)
	if err != nil {
		t.Fatal(err)
	}
	s := loopSettings{Hidden: []int{c.Hidden}, Bits: c.bits, Epochs: c.Epochs, Batch: c.Batch, PerClass: c.perClass,
		LR: c.LR, MinLR: c.minLR, Beta: c.beta, Gamma: c.gamma, Seed: c.Seed}
	m, hist, err := trainLoop(context.Background(), d.train, d.val, s)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := dsnc.New(dsnc.WithHidden(c.Hidden), dsnc.WithBits(c.bits),
		dsnc.WithEpochs(c.Epochs), dsnc.WithBatchSize(c.Batch), dsnc.WithPerClass(c.perClass), dsnc.WithSeed(c.Seed),
		dsnc.WithSchedule(training.Cosine(c.LR, c.minLR, c.Epochs)), dsnc.WithRegulariser(c.beta, c.gamma),
		dsnc.WithAdaptiveRegulariser(false), dsnc.WithPatience(0))
	if err != nil {
		t.Fatal(err)
	}
	fh, err := fm.Fit(context.Background(), d.train, d.val)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Epochs) != len(fh.Epochs) || hist.Best != fh.Best || hist.Params != fh.Params {
		t.Fatalf("loop: %d epochs, best %d, %d params; Fit: %d, best %d, %d params", len(hist.Epochs), hist.Best, hist.Params,
			len(fh.Epochs), fh.Best, fh.Params)
	}
	for i, e := range hist.Epochs {
		f := fh.Epochs[i]
		if e.Loss != f.Loss || e.Accuracy != f.Accuracy || e.Score != f.Score || e.Beta != f.Beta || e.Gamma != f.Gamma {
			t.Errorf("epoch %d: loop %+v, Fit %+v", i+1, e, f)
		}
	}
	a, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := fm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the loop's model differs from Fit's")
	}

	s.WarmupEpochs = 2
	w, _, err := trainLoop(context.Background(), d.train, d.val, s)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := w.MarshalBinary(); bytes.Equal(a, c) {
		t.Error("the warm-up changed nothing")
	}
}

func TestWarm(t *testing.T) {
	for _, c := range []struct {
		warmup, epoch, batch, batches int
		want                          float64
	}{
		{0, 0, 0, 10, 1}, {2, 0, 0, 10, 0.05}, {2, 0, 9, 10, 0.5}, {2, 1, 4, 10, 0.75}, {2, 1, 9, 10, 1}, {2, 5, 0, 10, 1},
	} {
		if got := warm(c.warmup, c.epoch, c.batch, c.batches); got != c.want {
			t.Errorf("warm(%d, %d, %d, %d) = %v, want %v", c.warmup, c.epoch, c.batch, c.batches, got, c.want)
		}
	}
}

// TestSmoke runs the whole program at smoke sizes and checks the table,
// the history, the model summary, the reload check and the -out file.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models on the Republic (seconds)")
	}
	dir := t.TempDir()
	out, model := filepath.Join(dir, "r.json"), filepath.Join(dir, "m.dsnc")
	c := reporttest.Parse(t, parseArgs, "-smoke", "-quiet", "-out", out, "-model", model)
	reporttest.Run(t, run, c, "7409 classes", "custom loop, linear decoder", "custom loop, nearest training code",
		"dsnc Model.Fit, linear decoder", "cosine learning rate 0.004 → 0.0001", "Training history of the custom loop",
		"best epoch", "DSNC model (float32, linear decoding)", "decoder       16 × 7409", "loaded it back: the same labels on all 1000 test examples")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"model":`); !strings.Contains(string(b), `"results"`) || n != 3 {
		t.Errorf("JSON has %d results, want 3:\n%s", n, b)
	}
	p, err := dsnc.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.Bits != c.bits || p.Decoding() != (dsnc.Decoding{}) {
		t.Errorf("saved model has %d bits, %v decoding", p.Config.Bits, p.Decoding())
	}
}

func TestBadFlags(t *testing.T) {
	reporttest.Rejects(t, parseArgs, run, []string{"-smoke", "-quiet"},
		[]string{"-batch", "1"}, []string{"-min-lr", "0"}, []string{"-lr", "1e-5", "-min-lr", "1e-4"}, []string{"-beta", "-1"},
		[]string{"-val", "1"}, []string{"-warmup", "-1"}, []string{"-per-class", "1"})
}
