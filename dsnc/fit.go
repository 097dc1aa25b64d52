package dsnc

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/training"
)

// Fit trains the model on trn end to end (paper section 3) and returns the
// history. It draws a fresh network for trn's shape (as Init), builds its
// TrainingGraph and runs training.Run over it: Adam with a constant rate
// (WithLearningRate) or a training.Schedule (WithSchedule) on minibatches of
// training.NewSampler, or of training.NewClassSampler with the regulariser
// (WithRegulariser, WithPerClass), whose weights β and γ follow the
// paper's adaptive schedule (WithAdaptiveRegulariser) and are recorded in
// each Epoch. After every epoch the validation accuracy of the threshold
// codes with the linear decoder is measured on val (nil: no validation,
// no early stopping), which is Epoch.Score; the model keeps the weights of
// the best validation epoch (History.Best; the last epoch without val).
// At the end Fit stores the training codes (SetTrainingCodes) and prepares
// the model's decoder, so the model predicts right away. The network
// replaces the model's previous one only when training ran: after an error
// before training (bad data, a network too large) the model is unchanged.
//
// A cancelled ctx stops training between two minibatches; Fit then returns
// ctx's error, wrapped, with the history so far, and the model holds the
// weights of the best validation epoch so far (the initial weights if none
// finished) or, without validation data, the current weights, ready to
// predict.
//
// Fit returns ErrConfig for a training set of fewer than 2 rows or a
// scheduled rate that is not positive and finite, ErrConfig wrapping
// ErrTooLarge when the network (trn.Features, trn.Classes and the widths
// of the options) has a dimension above MaxDim or more weights than
// WithMaxWeights allows, or when a minibatch's activations would (see
// NewTrainingGraph), the errors of Dataset.Validate, ErrShape when val does
// not match trn, and ErrNonFinite with ErrDiverged when the loss becomes
// NaN or infinite. The sizes are checked before anything is allocated.
// Cost per epoch O(N·(Σ In·Out + Bits·Classes)).
func (m *Model) Fit(ctx context.Context, trn, val *labelcode.Dataset) (*training.History, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: Fit on a nil model", ErrConfig)
	}
	if err := trn.Validate(); err != nil {
		return nil, fmt.Errorf("dsnc: training data: %w", err)
	}
	if val != nil {
		if err := val.Validate(); err != nil {
			return nil, fmt.Errorf("dsnc: validation data: %w", err)
		}
		if val.Features != trn.Features || val.Classes != trn.Classes {
			return nil, fmt.Errorf("%w: validation data %d features, %d classes; training %d, %d",
				ErrShape, val.Features, val.Classes, trn.Features, trn.Classes)
		}
	}
	o := &m.opts
	n, err := o.draw(trn.Features, trn.Classes)
	if err != nil {
		return nil, err
	}
	batch := min(o.Batch, trn.Len())
	if batch < 2 {
		return nil, fmt.Errorf("%w: %d training rows", ErrConfig, trn.Len())
	}
	en := newEncoderNorm(n, o.BatchNorm, o.codeBN)
	tg, err := n.fitGraph(batch, en)
	if err != nil {
		return nil, err
	}
	// view returns the model as it predicts: n itself, or with batch norm
	// a copy of n's weights with the running statistics folded in (the
	// training weights are not touched), for validation and code counts.
	view := func() *Model { return n }
	if en != nil {
		folded := n.Clone()
		view = func() *Model {
			folded.copyWeights(n)
			en.fold(folded)
			return folded
		}
	}
	defer tg.Close()
	if err := tg.Bind(trn); err != nil {
		return nil, err
	}
	var s *training.Sampler
	if o.regularise {
		s, err = training.NewClassSampler(trn.Y, batch, o.perClass, o.Seed)
	} else {
		s, err = training.NewSampler(trn.Len(), batch, o.Seed)
	}
	if err != nil {
		return nil, err
	}
	cfg := o.Loop()
	prev := math.NaN()
	if val != nil {
		cfg.Validate = func() (float64, error) { return view().validationAccuracy(val) }
	}
	sample := codeSample(trn)
	cfg.EndEpoch = func(e *training.Epoch) {
		e.Beta, e.Gamma = tg.Regulariser()
		e.Codes = countCodes(view(), sample)
		if !o.regularise || !o.adaptive || val == nil {
			return
		}
		if !math.IsNaN(prev) {
			switch {
			case e.Score > prev:
				_ = tg.SetRegulariser(e.Beta*2, e.Gamma*2)
			case e.Score < prev:
				_ = tg.SetRegulariser(e.Beta/2, e.Gamma/2)
			}
		}
		prev = e.Score
	}
	h, err := training.Run(ctx, tg, s, cfg)
	if en != nil {
		// Run restored the best epoch's weights, γ, β and running
		// statistics together (all are Params): fold them in for good.
		en.fold(n)
	}
	if err != nil {
		if h != nil && h.Stopped == training.StopCancelled {
			if cerr := n.SetTrainingCodes(trn); cerr != nil {
				return h, cerr
			}
			m.setNetwork(n)
			return h, fmt.Errorf("dsnc: %w", err)
		}
		return h, runError(err)
	}
	if err := n.SetTrainingCodes(trn); err != nil {
		return h, err
	}
	m.setNetwork(n)
	return h, nil
}

// runError wraps training.Run's errors with this package's sentinels as well:
// a diverged loss is ErrNonFinite, a bad scheduled rate ErrConfig.
func runError(err error) error {
	switch {
	case errors.Is(err, limits.ErrDiverged) && !errors.Is(err, ErrNonFinite):
		return fmt.Errorf("%w: %w", ErrNonFinite, err)
	case errors.Is(err, limits.ErrConfig) && !errors.Is(err, ErrConfig):
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return fmt.Errorf("dsnc: %w", err)
}
