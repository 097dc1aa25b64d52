package training

import (
	"fmt"
	"math"

	"github.com/labelcode/labelcode/internal/limits"
)

// Schedule gives Adam's learning rate before every step of Run: epoch and
// batch count from 1 (the step about to be taken is batch batch of epoch
// epoch) and batches is the number of batches of an epoch. A custom loop
// calls it itself and passes the rate to Adam.SetLearningRate. Any
// func(epoch, batch, batches int) float64 is a Schedule.
type Schedule func(epoch, batch, batches int) float64

// Cosine returns cosine annealing without restarts (Loshchilov and Hutter
// 2017) over a run of epochs epochs: lo + (hi−lo)·(1 + cos(π·t))/2 with
// t = (epoch−1 + (batch−1)/batches)/epochs the fraction of the run done
// before the step, so the first step uses hi and the rate falls step by
// step towards lo (reached after the last step and kept beyond). lo must be
// positive for Run to accept the rates.
func Cosine(hi, lo float64, epochs int) Schedule {
	return func(epoch, batch, batches int) float64 {
		t := float64(epoch - 1)
		if batches > 0 {
			t += float64(batch-1) / float64(batches)
		}
		t /= float64(max(epochs, 1))
		t = min(max(t, 0), 1)
		return lo + (hi-lo)*(1+math.Cos(math.Pi*t))/2
	}
}

// checkRate returns ErrConfig, wrapped, unless lr is positive and finite.
func checkRate(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("%w: learning rate %v, want positive and finite", limits.ErrConfig, lr)
	}
	return nil
}
