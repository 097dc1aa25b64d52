package main

import (
	"context"
	"fmt"
	"time"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// predictor is what every trained Go model offers.
type predictor interface {
	Predict(x []float32) (int, error)
	PredictBatch(x []float32, rows int, dst []int) ([]int, error)
}

// trainResult is one training run: the wall time of every epoch, the last
// epoch's mean loss and the trained model.
type trainResult struct {
	epochs []time.Duration
	loss   float64
	model  predictor
}

// trainGo trains the Go model of a case through the library's public API,
// as a user would: labelmap's MLP learner (in a one-site Ensemble over a
// one-hot code), labelmap.MultiHead, dsnc.Model.Fit. Epoch times come from the
// training histories (wall time of each epoch; no validation data).
func trainGo(ctx context.Context, name string, d *labelcode.Dataset, epochs, batch int, lr float64, seed uint64) (*trainResult, error) {
	opts := []labelmap.Option{labelmap.WithHidden(hidden), labelmap.WithEpochs(epochs), labelmap.WithBatchSize(batch),
		labelmap.WithLearningRate(lr), labelmap.WithSeed(seed)}
	res := &trainResult{}
	lmHistory := func(h *training.History) {
		for _, e := range h.Epochs {
			res.epochs = append(res.epochs, e.Duration)
			res.loss = e.Loss
		}
	}
	switch name {
	case "onehot":
		m, err := codes.NewOneHot(classes)
		if err != nil {
			return nil, err
		}
		e, err := labelmap.NewEnsemble(m, opts...)
		if err != nil {
			return nil, err
		}
		h, err := e.Fit(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		lmHistory(h.Sites[0])
		res.model = e
	case "lm":
		m, err := codes.NewPrimeResidue(classes, primes)
		if err != nil {
			return nil, err
		}
		h, err := labelmap.NewMultiHead(m, opts...)
		if err != nil {
			return nil, err
		}
		hist, err := h.Fit(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		lmHistory(hist)
		res.model = h
	case "dsnc":
		m, err := dsnc.New(dsnc.WithHidden(hidden), dsnc.WithBits(bits), dsnc.WithEpochs(epochs),
			dsnc.WithBatchSize(batch), dsnc.WithLearningRate(lr), dsnc.WithSeed(seed), dsnc.WithPatience(0))
		if err != nil {
			return nil, err
		}
		h, err := m.Fit(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		for _, e := range h.Epochs {
			res.epochs = append(res.epochs, e.Duration)
			res.loss = e.Loss
		}
		res.model = m // the linear decoder, New's default
	default:
		return nil, fmt.Errorf("unknown case %q", name)
	}
	return res, nil
}

// settle is the pause before every timed prediction phase, on both sides:
// long enough for the BLAS and OpenMP threads of the previous measurement
// (of either side) to stop spinning (OpenBLAS spins about 0.1 s after its
// last call), so that each side is timed on a quiet machine.
const settle = 300 * time.Millisecond

// singleBlocks is the number of blocks the one-call-per-example timing is
// cut into, on both sides: besides the mean over all calls, the median of
// the blocks' means is reported, the typical cost of a call without the
// milliseconds that a process on a loaded machine spends descheduled now
// and then (about one block in four here, with another job running).
const singleBlocks = 10

// predictGo times Predict on the first single rows, one call each (after
// ten warm-up calls), and PredictBatch on all rows; it returns the seconds
// per example of both (for single calls the mean and the median of the
// singleBlocks blocks' means) and the batch accuracy on d.
func predictGo(p predictor, d *labelcode.Dataset, single int) (one, oneBlock, batch, acc float64, err error) {
	time.Sleep(settle)
	for i := range min(10, single) {
		if _, err := p.Predict(d.Row(i)); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	var blocks []float64
	start := time.Now()
	for b := range singleBlocks {
		lo, hi := b*single/singleBlocks, (b+1)*single/singleBlocks
		t0 := time.Now()
		for i := lo; i < hi; i++ {
			if _, err := p.Predict(d.Row(i)); err != nil {
				return 0, 0, 0, 0, err
			}
		}
		if hi > lo {
			blocks = append(blocks, time.Since(t0).Seconds()/float64(hi-lo))
		}
	}
	one = time.Since(start).Seconds() / float64(single)
	oneBlock, _, _ = stats(blocks)
	time.Sleep(settle)
	start = time.Now()
	pred, err := p.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	batch = time.Since(start).Seconds() / float64(d.Len())
	hits := 0
	for i, y := range pred {
		if y == d.Y[i] {
			hits++
		}
	}
	return one, oneBlock, batch, float64(hits) / float64(d.Len()), nil
}
