package report

import (
	"context"
	"fmt"
	"io"
	"math"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/labelmap"
)

// Classifier is what a results row measures: a trained model that labels
// one row or a batch of rows, the library's labelcode.BatchClassifier.
// labelmap.Ensemble, labelmap.MultiHead and dsnc.Model are Classifiers.
type Classifier = labelcode.BatchClassifier

var (
	_ Classifier = (*labelmap.Ensemble)(nil)
	_ Classifier = (*labelmap.MultiHead)(nil)
	_ Classifier = (*dsnc.Model)(nil)
)

// Accuracy labels every row of d with c (PredictBatch) and returns the
// fraction labelled right and the predictions.
func Accuracy(c Classifier, d *labelcode.Dataset) (float64, []int, error) {
	pred, err := c.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		return math.NaN(), nil, err
	}
	right := 0
	for i, p := range pred {
		if p == d.Y[i] {
			right++
		}
	}
	return float64(right) / float64(d.Len()), pred, nil
}

// Measure sets r's training accuracy (on train, which may be nil: NaN),
// test accuracy and latency (labelcode.Latency: the mean over the first
// latencyRows rows of test, predicted one at a time after a warm-up call),
// and returns the test predictions.
func Measure(r *Result, c Classifier, train, test *labelcode.Dataset, latencyRows int) ([]int, error) {
	r.TrainAcc = math.NaN()
	if train != nil {
		acc, _, err := Accuracy(c, train)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Model, err)
		}
		r.TrainAcc = acc
	}
	acc, pred, err := Accuracy(c, test)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	r.TestAcc = acc
	lat, err := labelcode.Latency(c, test, latencyRows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	r.Latency = lat
	return pred, nil
}

// Training holds the settings the examples train every network with.
type Training struct {
	// Hidden is the widths of the hidden ReLU layers (the trunk).
	Hidden []int
	// Epochs is the maximum number of epochs.
	Epochs int
	// Patience stops training after this many epochs without a better
	// validation score (0: never; needs validation data).
	Patience int
	// Batch is the minibatch size, LearningRate Adam's step.
	Batch        int
	LearningRate float64
	// Seed seeds weights and minibatch order.
	Seed uint64
	// Progress receives the progress bars; nil for none.
	Progress io.Writer
}

func (t Training) options(bar *Bar) []labelmap.Option {
	opts := []labelmap.Option{labelmap.WithHidden(t.Hidden...), labelmap.WithEpochs(t.Epochs), labelmap.WithBatchSize(t.Batch),
		labelmap.WithLearningRate(t.LearningRate), labelmap.WithSeed(t.Seed), labelmap.WithPatience(t.Patience)}
	if bar != nil {
		opts = append(opts, labelmap.WithProgress(bar.Progress()))
	}
	return opts
}

func (t Training) bar(label string, steps int) *Bar {
	if t.Progress == nil {
		return nil
	}
	return NewBar(t.Progress, fmt.Sprintf("%-28s", label), steps)
}

// FitEnsemble trains a labelmap.Ensemble over m, one MLP per site, at most
// parallel sites at once (0: GOMAXPROCS), with a progress bar labelled
// label. It fills r's Params, Epochs (the most any site ran), TrainTime and,
// with early stopping, a Note with the sites' best epochs.
func FitEnsemble(ctx context.Context, r *Result, m codes.Mapping, parallel int, train, val *labelcode.Dataset, t Training) (*labelmap.Ensemble, error) {
	rows := train.Len()
	bar := t.bar(r.Model, LabelmapSteps(m.Sites(), t.Epochs, rows, t.Batch))
	opts := t.options(bar)
	if parallel > 0 {
		opts = append(opts, labelmap.WithParallelism(parallel))
	}
	e, err := labelmap.NewEnsemble(m, opts...)
	if err != nil {
		return nil, err
	}
	h, err := e.Fit(ctx, train, val)
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	r.Params, r.TrainTime = h.Params, h.Duration
	var bests []int
	for _, s := range h.Sites {
		if s != nil {
			r.Epochs = max(r.Epochs, len(s.Epochs))
			bests = append(bests, s.Best)
		}
	}
	if val != nil {
		r.Note = appendNote(r.Note, "best epoch "+epochList(bests))
	}
	return e, nil
}

// FitMultiHead trains a labelmap.MultiHead over m (one trunk, one softmax
// head per site) and fills r as FitEnsemble does.
func FitMultiHead(ctx context.Context, r *Result, m codes.Mapping, train, val *labelcode.Dataset, t Training) (*labelmap.MultiHead, error) {
	bar := t.bar(r.Model, LabelmapSteps(1, t.Epochs, train.Len(), t.Batch))
	h, err := labelmap.NewMultiHead(m, t.options(bar)...)
	if err != nil {
		return nil, err
	}
	hist, err := h.Fit(ctx, train, val)
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	r.Params, r.TrainTime, r.Epochs = hist.Params, hist.Duration, len(hist.Epochs)
	if val != nil {
		r.Note = appendNote(r.Note, fmt.Sprintf("best epoch %d", hist.Best))
	}
	return h, nil
}

// FitDSNC trains a DSNC model (dsnc.New, Model.Fit) with the Training
// settings (the hidden layers before the code layer), bits code bits and
// the extra options, and fills r's Params, Epochs, TrainTime and Note (the
// best epoch with validation data, and the number of distinct training
// codes). The model predicts with the decoder of the options (linear by
// default); Model.SetDecoder switches it.
func FitDSNC(ctx context.Context, r *Result, bits int, train, val *labelcode.Dataset, t Training, extra ...dsnc.Option) (*dsnc.Model, error) {
	steps := DSNCSteps(t.Epochs, train.Len(), t.Batch)
	bar := t.bar(r.Model, steps)
	opts := []dsnc.Option{dsnc.WithHidden(t.Hidden...), dsnc.WithBits(bits), dsnc.WithEpochs(t.Epochs),
		dsnc.WithBatchSize(t.Batch), dsnc.WithLearningRate(t.LearningRate), dsnc.WithSeed(t.Seed), dsnc.WithPatience(t.Patience)}
	if bar != nil {
		opts = append(opts, dsnc.WithProgress(bar.Progress()))
	}
	m, err := dsnc.New(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	hist, err := m.Fit(ctx, train, val)
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Model, err)
	}
	r.Params, r.TrainTime, r.Epochs = hist.Params, hist.Duration, len(hist.Epochs)
	if val != nil {
		r.Note = appendNote(r.Note, fmt.Sprintf("best epoch %d", hist.Best))
	}
	r.Note = appendNote(r.Note, fmt.Sprintf("%d training codes", len(m.CodeLabels)))
	return m, nil
}

func appendNote(note, s string) string {
	if note == "" {
		return s
	}
	return note + "; " + s
}

func epochList(e []int) string {
	if len(e) == 0 {
		return "-"
	}
	same := true
	for _, v := range e {
		same = same && v == e[0]
	}
	if same {
		return fmt.Sprint(e[0])
	}
	s := ""
	for i, v := range e {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(v)
	}
	return s
}
