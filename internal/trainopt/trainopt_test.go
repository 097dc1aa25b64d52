package trainopt

import (
	"errors"
	"math"
	"testing"

	"github.com/labelcode/labelcode/internal/limits"
)

// TestChecks checks every setter: valid values are kept, invalid ones are
// ErrConfig (and ErrTooLarge for a width above MaxDim) and change nothing.
func TestChecks(t *testing.T) {
	s := Defaults()
	if s.Epochs != 20 || s.Batch != 128 || s.LR != 1e-3 || s.Patience != 5 || s.Seed != 1 || s.Hidden != nil || s.MaxWeights != 0 {
		t.Fatalf("Defaults = %+v", s)
	}
	for _, tc := range []struct {
		name  string
		err   error
		large bool
	}{
		{"hidden 0", s.SetHidden([]int{4, 0}), false},
		{"hidden huge", s.SetHidden([]int{limits.MaxDim + 1}), true},
		{"epochs 0", s.SetEpochs(0), false},
		{"batch 1 of 2", s.SetBatchSize(1, 2), false},
		{"batch 0 of 1", s.SetBatchSize(0, 1), false},
		{"rate 0", s.SetLearningRate(0), false},
		{"rate NaN", s.SetLearningRate(math.NaN()), false},
		{"rate Inf", s.SetLearningRate(math.Inf(1)), false},
		{"patience -1", s.SetPatience(-1), false},
		{"weights -1 of 0", s.SetMaxWeights(-1, 0), false},
		{"weights 0 of 1", s.SetMaxWeights(0, 1), false},
	} {
		if !errors.Is(tc.err, limits.ErrConfig) || errors.Is(tc.err, limits.ErrTooLarge) != tc.large {
			t.Errorf("%s: %v", tc.name, tc.err)
		}
	}
	if d := Defaults(); s.Hidden != nil || s.Epochs != d.Epochs || s.Batch != d.Batch || s.LR != d.LR || s.Patience != d.Patience || s.MaxWeights != d.MaxWeights {
		t.Fatalf("refused values changed the settings: %+v", s)
	}
	for _, err := range []error{s.SetHidden([]int{3, 2}), s.SetEpochs(1), s.SetBatchSize(2, 2), s.SetBatchSize(1, 1),
		s.SetLearningRate(0.5), s.SetPatience(0), s.SetMaxWeights(0, 0), s.SetMaxWeights(7, 1)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Hidden) != 2 || s.Epochs != 1 || s.Batch != 1 || s.LR != 0.5 || s.Patience != 0 || s.MaxWeights != 7 {
		t.Fatalf("settings %+v", s)
	}
	if c := s.Loop(); c.Epochs != 1 || c.LearningRate != 0.5 || c.Patience != 0 {
		t.Fatalf("Loop = %+v", c)
	}
}
