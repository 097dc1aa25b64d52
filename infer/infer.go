package infer

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/dsnccore"
	"github.com/labelcode/labelcode/internal/enum"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
)

// Sentinel errors. Errors from Load and Unmarshal also wrap the loader's
// own error (its file-format sentinel and, for a size beyond what the data
// hold, ErrTooLarge), so errors.Is finds both.
var (
	// ErrFormat reports data that are not a model file this package knows.
	ErrFormat = errors.New("infer: not a known model file")
	// ErrCorrupt reports a model file that is truncated, damaged,
	// inconsistent or of an unsupported version.
	ErrCorrupt = errors.New("infer: corrupt model file")
	// ErrUnsupported reports a model or request that cannot be served: a
	// Label Mapping ensemble with a learner that is not an MLP (its code
	// is not here), or TopK of a DSNC decoder without per-class scores.
	ErrUnsupported = errors.New("infer: not supported")
	// ErrInput reports an input row of the wrong width or with a NaN or
	// infinite value.
	ErrInput = errors.New("infer: bad input row")
	// ErrTooLarge reports a size beyond a limit; the same value as the
	// other packages' ErrTooLarge.
	ErrTooLarge = limits.ErrTooLarge
)

// Kind is the kind of a loaded model.
type Kind int

const (
	// DSNC is a Deep Stochastic Neural Codes model or predictor file.
	DSNC Kind = iota + 1
	// Ensemble is a Label Mapping ensemble whose every site is an MLP.
	Ensemble
	// MultiHead is a Label Mapping shared-trunk (multi-head) network.
	MultiHead
)

var kindNames = []string{DSNC: "dsnc", Ensemble: "ensemble", MultiHead: "multihead"}

// String returns "dsnc", "ensemble" or "multihead".
func (k Kind) String() string { return enum.Name(kindNames, k, "Kind") }

// Decoder chooses how a DSNC model maps a code to a label.
type Decoder int

const (
	// SavedDecoder uses the decoder recorded in the file: the one the dsnc
	// model predicted with when it was saved (WithDecoder, SetDecoder;
	// linear by default).
	SavedDecoder Decoder = iota
	// LinearDecoder scores every class with the trained linear decoder.
	LinearDecoder
	// NearestDecoder returns the label of the nearest training code.
	NearestDecoder
	// TableDecoder looks the code up in a table of all 2^Bits codes
	// labelled by the linear decoder (Bits <= 24).
	TableDecoder
)

// Option sets a loading option.
type Option func(*options) error

type options struct {
	decoder Decoder
}

// WithDecoder chooses a DSNC model's decoder (SavedDecoder by default);
// other kinds ignore it. An unknown Decoder makes Load and Unmarshal
// return ErrUnsupported.
func WithDecoder(d Decoder) Option {
	return func(o *options) error {
		if d < SavedDecoder || d > TableDecoder {
			return fmt.Errorf("%w: decoder %d", ErrUnsupported, int(d))
		}
		o.decoder = d
		return nil
	}
}

// predictor is what every kind of model serves through.
type predictor interface {
	Predict(x []float32) (int, error)
	PredictBatch(x []float32, rows int, dst []int) ([]int, error)
	TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error)
}

// Model is a loaded model, ready to predict. It is read-only after Load
// and safe for concurrent use; Predict and TopK allocate nothing in steady
// state (TopK given a dst of capacity k).
type Model struct {
	kind     Kind
	p        predictor
	features int
	classes  int
	desc     string
}

// Load reads a model file written by dsnc (Model.Save) or
// labelmap (Ensemble.Save with MLP learners, MultiHead.Save) and returns
// it ready to predict. Errors as Unmarshal, plus the file system's.
func Load(path string, opts ...Option) (*Model, error) {
	return container.ReadFile(path, "infer", func(b []byte) (*Model, error) { return Unmarshal(b, opts...) })
}

// Unmarshal recognises the kind of model in data by its header and decodes
// it with that kind's loader: a container (internal/container) of a DSNC
// or Label Mapping kind, or a file of the earlier frames ("DSNCMODL",
// "LABELMAP"). It returns ErrFormat for data of no known kind (wrapping
// container.ErrKind for a container of another kind, such as a Hamming
// index), ErrCorrupt (wrapping the loader's error, and ErrTooLarge for a
// size beyond what the data hold) for a bad file, and ErrUnsupported for a
// Label Mapping ensemble with a learner other than an MLP. Loading
// allocates no more than about twice len(data), plus what the model's
// decoder needs (a DSNC table: 4·2^Bits bytes).
func Unmarshal(data []byte, opts ...Option) (*Model, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if k, ok := container.Peek(data); ok {
		switch k {
		case container.DSNCModel:
			return loadDSNC(data, o)
		case container.LMEnsemble, container.LMSite, container.LMMultiHead:
			return loadLabelMap(data)
		}
		return nil, fmt.Errorf("%w: %w: file holds a %v, not a model", ErrFormat, container.ErrKind, k)
	}
	switch {
	case bytes.HasPrefix(data, []byte(container.Magic)):
		// A container cut short before its kind.
		_, _, err := container.Open(data, container.DSNCModel, dsnccore.FileVersion)
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	case bytes.HasPrefix(data, []byte(dsnccore.FileMagic)):
		return loadDSNC(data, o)
	case isLabelMap(data):
		return loadLabelMap(data)
	}
	return nil, ErrFormat
}

func loadDSNC(data []byte, o options) (*Model, error) {
	m, dec, err := dsnccore.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	switch o.decoder {
	case LinearDecoder:
		dec = dsnccore.Decoding{Kind: dsnccore.LinearDecoding}
	case NearestDecoder:
		dec = dsnccore.Decoding{Kind: dsnccore.NearestDecoding}
	case TableDecoder:
		dec = dsnccore.Decoding{Kind: dsnccore.TableDecoding}
	}
	p, err := dsnccore.NewPredictor(m, dec)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	desc := fmt.Sprintf("DSNC model, %d features → %d-bit code → %d classes, %v decoding",
		m.Config.Features, m.Config.Bits, m.Config.Classes, dec.Kind)
	return &Model{kind: DSNC, p: dsncPredictor{p}, features: m.Config.Features, classes: m.Config.Classes, desc: desc}, nil
}

// dsncPredictor maps the DSNC core's errors to this package's.
type dsncPredictor struct{ p *dsnccore.Predictor }

func (d dsncPredictor) Predict(x []float32) (int, error) { return d.p.Predict(x) }
func (d dsncPredictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	return d.p.PredictBatch(x, rows, dst)
}
func (d dsncPredictor) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	dst, err := d.p.TopK(x, k, dst)
	if errors.Is(err, dsnccore.ErrUnsupported) {
		err = fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return dst, err
}

// Kind returns the model's kind.
func (m *Model) Kind() Kind { return m.kind }

// Features returns the input width.
func (m *Model) Features() int { return m.features }

// Classes returns the number of classes.
func (m *Model) Classes() int { return m.classes }

// String describes the model: kind, shape and decoder.
func (m *Model) String() string { return m.desc }

// checkRow returns ErrInput for a row of the wrong width or with a NaN or
// infinite value.
func (m *Model) checkRow(x []float32) error { return nn.CheckRow(x, m.features, ErrInput) }

// Predict returns the label of one example x (Features values). It
// allocates nothing in steady state. It returns ErrInput for a row of the
// wrong width or with a NaN or infinite value, and the decoder's error,
// wrapped, if decoding fails.
func (m *Model) Predict(x []float32) (int, error) {
	if err := m.checkRow(x); err != nil {
		return 0, err
	}
	return m.p.Predict(x)
}

// PredictBatch writes the labels of rows examples (x row-major,
// rows×Features) into dst[:rows], grown if needed, and returns it, with
// one matrix product per layer for a block of rows, on GOMAXPROCS
// goroutines. It returns ErrInput, naming the row, for a bad row, and
// panics if len(x) != rows·Features.
func (m *Model) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	if err := nn.CheckRows(x, rows, m.features, ErrInput, "infer: PredictBatch"); err != nil {
		return dst, err
	}
	return m.p.PredictBatch(x, rows, dst)
}

// TopK writes the k best labels of x (k is capped at Classes; k < 1 gives
// none) into dst[:k], best first, and returns it; dst is grown when short.
// The scores are, for Label Mapping models, the log-probability sums
// Σ_i log p_i(f_i(label)) of max-product decoding; for a DSNC model with
// the linear decoder, the decoder's float32 score B + W·b of the code b
// (higher is better; not a probability). DSNC's nearest and table decoders
// give no per-class score: TopK returns ErrUnsupported. It allocates
// nothing in steady state when cap(dst) >= k. It returns ErrInput for a
// bad row.
func (m *Model) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	if err := m.checkRow(x); err != nil {
		return dst[:0], err
	}
	if k < 1 {
		return dst[:0], nil
	}
	return m.p.TopK(x, min(k, m.classes), dst)
}
