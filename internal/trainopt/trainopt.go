// Package trainopt holds the training settings that dsnc and labelmap
// share (their WithHidden, WithEpochs, WithBatchSize, WithLearningRate,
// WithSchedule, WithPatience, WithSeed, WithProgress, WithMaxWeights and
// WithBatchNorm options), with their defaults and their checks, so that both families
// validate them once and the same way. Each package embeds Settings in its
// configuration and keeps its own exported options and their docs.
package trainopt

import (
	"fmt"
	"math"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/training"
)

// Settings are the shared training settings.
type Settings struct {
	Hidden     []int   // widths of the hidden ReLU layers
	Epochs     int     // passes over the training data, at least 1
	Batch      int     // minibatch size
	LR         float64 // Adam's constant rate, positive and finite
	Schedule   training.Schedule
	Patience   int // epochs without a better validation score before stopping; 0 never
	Seed       uint64
	Progress   func(training.Progress)
	MaxWeights int // bound on the weights and biases
	// BatchNorm normalises every hidden layer over the minibatch between
	// its affine map and its ReLU while training, folded into the layer's
	// weights for validation and at the end; off by default.
	BatchNorm bool
}

// Defaults are the module's shared training defaults: 20 epochs, batches
// of 128, learning rate 1e-3, patience 5, seed 1; no hidden layer and no
// weight bound (each family sets its own).
func Defaults() Settings {
	return Settings{Epochs: 20, Batch: 128, LR: 1e-3, Patience: 5, Seed: 1}
}

// SetHidden sets the hidden widths, each in [1, limits.MaxDim]: a width
// below 1 is ErrConfig, one above MaxDim ErrConfig and ErrTooLarge.
func (s *Settings) SetHidden(widths []int) error {
	for i, w := range widths {
		if w < 1 {
			return fmt.Errorf("%w: hidden layer %d has width %d", limits.ErrConfig, i, w)
		}
		if err := limits.Check(fmt.Sprintf("hidden layer %d width", i), w, limits.MaxDim); err != nil {
			return fmt.Errorf("%w: %w", limits.ErrConfig, err)
		}
	}
	s.Hidden = append([]int(nil), widths...)
	return nil
}

// SetEpochs sets the number of epochs; n < 1 is ErrConfig.
func (s *Settings) SetEpochs(n int) error { return atLeast(&s.Epochs, n, 1, "epochs") }

// SetBatchSize sets the minibatch size; n < least is ErrConfig (a family
// that needs pairs of rows in a batch asks for 2).
func (s *Settings) SetBatchSize(n, least int) error { return atLeast(&s.Batch, n, least, "batch size") }

// SetLearningRate sets Adam's constant rate; a value that is not positive
// and finite is ErrConfig.
func (s *Settings) SetLearningRate(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("%w: learning rate %v, want positive and finite", limits.ErrConfig, lr)
	}
	s.LR = lr
	return nil
}

// SetPatience sets the early-stopping patience; n < 0 is ErrConfig.
func (s *Settings) SetPatience(n int) error { return atLeast(&s.Patience, n, 0, "patience") }

// SetMaxWeights sets the weight bound; n < least is ErrConfig (a family
// in which 0 means the default bound asks for 0).
func (s *Settings) SetMaxWeights(n, least int) error {
	return atLeast(&s.MaxWeights, n, least, "weight limit")
}

// atLeast sets *dst to n, or returns ErrConfig naming what if n < least.
func atLeast(dst *int, n, least int, what string) error {
	if n < least {
		return fmt.Errorf("%w: %s %d, want at least %d", limits.ErrConfig, what, n, least)
	}
	*dst = n
	return nil
}

// Loop returns the configuration of training.Run that the settings give:
// epochs, rate, schedule, patience and progress.
func (s *Settings) Loop() training.Config {
	return training.Config{Epochs: s.Epochs, LearningRate: s.LR, Schedule: s.Schedule, Patience: s.Patience, Progress: s.Progress}
}
