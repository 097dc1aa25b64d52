package dsnc

// The names in this file are the package's API before the one model shape
// (New, Model.Fit, prediction on the Model, Load with WithDecoder), kept
// for the programs outside this package that still use them (bench,
// testdata/compat/gen, the root package's tests).

import (
	"context"
	"errors"
	"fmt"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/training"
)

// Fit trains a model with the given options: New(opts...), then
// Model.Fit. It returns the model after a cancellation too (with the
// error), and no model after another error.
//
// Deprecated: use New and Model.Fit.
func Fit(ctx context.Context, trn, val *labelcode.Dataset, opts ...Option) (*Model, *training.History, error) {
	m, err := New(opts...)
	if err != nil {
		return nil, nil, err
	}
	h, err := m.Fit(ctx, trn, val)
	if err != nil {
		if h != nil && h.Stopped == training.StopCancelled && errors.Is(err, ctx.Err()) {
			return m, h, err
		}
		return nil, nil, err
	}
	return m, h, nil
}

// WithLearnRate sets Adam's learning rate.
//
// Deprecated: use WithLearningRate.
func WithLearnRate(eta float64) Option { return WithLearningRate(eta) }

// Predictor is a model with its decoder: a Model predicts itself.
//
// Deprecated: use Model.
type Predictor = Model

// NewPredictor returns a model sharing m's network and training codes that
// predicts with dec.
//
// Deprecated: use Model.SetDecoder (on a Clone to keep m's decoder), or
// New with WithDecoder before Fit, or Load with WithDecoder.
func NewPredictor(m *Model, dec Decoding) (*Predictor, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewPredictor: nil model", ErrConfig)
	}
	n := &Model{Config: m.Config, Encoder: m.Encoder, Decoder: m.Decoder, Codes: m.Codes, CodeLabels: m.CodeLabels, opts: m.opts}
	if err := n.SetDecoder(dec); err != nil {
		return nil, err
	}
	return n, nil
}
