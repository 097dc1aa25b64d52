package labelcode_test

import (
	"context"
	"errors"
	"testing"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/labelmap"
)

// TestSentinelsAreOneValue checks that the sentinel errors several
// packages export under their own names are one value each, so that
// errors.Is with any package's name matches an error from any other.
func TestSentinelsAreOneValue(t *testing.T) {
	for name, err := range map[string]error{
		"codes.ErrLabelRange":    codes.ErrLabelRange,
		"decode.ErrLabel":        decode.ErrLabel,
		"labelmap.ErrLabelRange": labelmap.ErrLabelRange,
	} {
		if err != labelcode.ErrLabelRange {
			t.Errorf("%s is not labelcode.ErrLabelRange", name)
		}
	}
	for name, err := range map[string]error{
		"hamming.ErrTooLarge":  hamming.ErrTooLarge,
		"decode.ErrTooLarge":   decode.ErrTooLarge,
		"dsnc.ErrTooLarge":     dsnc.ErrTooLarge,
		"labelmap.ErrTooLarge": labelmap.ErrTooLarge,
		"infer.ErrTooLarge":    infer.ErrTooLarge,
	} {
		if err != labelcode.ErrTooLarge {
			t.Errorf("%s is not labelcode.ErrTooLarge", name)
		}
	}
	for _, c := range []struct {
		name      string
		got, want error
	}{
		{"dsnc.ErrConfig", dsnc.ErrConfig, labelcode.ErrConfig},
		{"labelmap.ErrConfig", labelmap.ErrConfig, labelcode.ErrConfig},
		{"dsnc.ErrShape", dsnc.ErrShape, labelcode.ErrShape},
		{"decode.ErrShape", decode.ErrShape, labelcode.ErrShape},
		{"dsnc.ErrInput", dsnc.ErrInput, labelcode.ErrInput},
		{"labelmap.ErrInput", labelmap.ErrInput, labelcode.ErrInput},
		{"dsnc.ErrNotFitted", dsnc.ErrNotFitted, labelcode.ErrNotFitted},
		{"labelmap.ErrNotFitted", labelmap.ErrNotFitted, labelcode.ErrNotFitted},
		{"dsnc.ErrNonFinite", dsnc.ErrNonFinite, labelcode.ErrNonFinite},
		{"labelmap.ErrDiverged", labelmap.ErrDiverged, labelcode.ErrDiverged},
	} {
		if c.got != c.want {
			t.Errorf("%s is not the module's sentinel of that name", c.name)
		}
	}
}

// TestEnsembleLabelRangeEitherBound checks that a training label is
// reported as labelmap.ErrLabelRange whether it breaks the dataset's class
// count or the mapping's.
func TestEnsembleLabelRangeEitherBound(t *testing.T) {
	m, err := codes.NewPrimeResidue(10, []int{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	fit := func(classes int, y []int) error {
		e, err := labelmap.NewEnsemble(m, labelmap.WithEpochs(1), labelmap.WithHidden(4))
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, len(y)*2)
		for i := range x {
			x[i] = float32(i % 3)
		}
		d := &labelcode.Dataset{X: x, Y: y, Features: 2, Classes: classes}
		_, err = e.Fit(context.Background(), d, nil)
		return err
	}
	// Label 12 is outside the dataset's [0, 11) as well as the mapping's
	// [0, 10); label 10 only outside the mapping's.
	for name, err := range map[string]error{
		"dataset bound": fit(11, []int{0, 1, 2, 12}),
		"mapping bound": fit(11, []int{0, 1, 2, 10}),
	} {
		if !errors.Is(err, labelmap.ErrLabelRange) || !errors.Is(err, labelcode.ErrLabelRange) {
			t.Errorf("%s: %v, want ErrLabelRange", name, err)
		}
	}
}
