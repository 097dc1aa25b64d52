package dsnc

import (
	"fmt"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// DecoderKind names the decoder a Predictor maps codes to labels with.
type DecoderKind uint8

const (
	// LinearDecoding scores every class with the trained linear decoder,
	// B + W·b, in float32 (B plus the decoder's rows of the code's set
	// bits, or, when more than half of the bits are set, B + Σ W minus the
	// rows of the clear bits; one matrix product for a batch of codes),
	// and returns the best (ties: the smallest class):
	// O(min(popcount(b), Bits−popcount(b))·Classes) per example (the
	// paper's "linear" variant).
	LinearDecoding DecoderKind = iota
	// NearestDecoding returns the label of the training code nearest to the
	// example's code in Hamming distance (the paper's "NN" variant):
	// decode.HammingNN over a hamming.MultiIndex, exact and sublinear in the
	// number of training codes when they are clustered. With Neighbors > 1
	// the label is the majority of the nearest codes' labels (ties: smaller
	// sum of distances, then the nearer code).
	NearestDecoding
	// TableDecoding looks the code up in a decode.Table of all 2^Bits codes
	// (Bits <= MaxTableBits), each holding the label the decoder named by
	// Decoding.TableOf gives it — the paper's "all codes are enumerated"
	// constant-time decoder: one memory read per example, 4·2^Bits bytes.
	// Built from LinearDecoding it costs O(2^Bits·Classes) additions (spread
	// over all cores; decode.Linear, in float64, so a code whose two best
	// scores differ by less than float32 rounding may be labelled
	// differently from LinearDecoding) and needs no training codes; from
	// NearestDecoding (one neighbour) O(2^Bits·Bits).
	TableDecoding
)

// MaxTableBits is the longest code TableDecoding accepts.
const MaxTableBits = dsnccore.MaxTableBits

// String returns "linear", "nearest" or "table".
func (k DecoderKind) String() string { return dsnccore.DecoderKind(k).String() }

// Decoding chooses a Predictor's decoder. The zero value is LinearDecoding.
type Decoding struct {
	Kind DecoderKind
	// Neighbors is the number of nearest training codes that vote with
	// NearestDecoding; 0 means 1. Other kinds ignore it.
	Neighbors int
	// TableOf is the decoder whose labels TableDecoding tabulates:
	// LinearDecoding (the zero value) or NearestDecoding with one
	// neighbour. Other kinds ignore it.
	TableOf DecoderKind
}

func (d Decoding) validate() error { return d.core().Validate() }

// core returns d as the graph-free core's decoder choice.
func (d Decoding) core() dsnccore.Decoding {
	return dsnccore.Decoding{Kind: dsnccore.DecoderKind(d.Kind), Neighbors: d.Neighbors, TableOf: dsnccore.DecoderKind(d.TableOf)}
}

// decodingOf converts the core's decoder choice.
func decodingOf(d dsnccore.Decoding) Decoding {
	return Decoding{Kind: DecoderKind(d.Kind), Neighbors: d.Neighbors, TableOf: DecoderKind(d.TableOf)}
}

// ErrInput reports an input row of the wrong width or with a NaN or
// infinite value.
var ErrInput = dsnccore.ErrInput

// Predictor classifies examples without the gorgonia graph: the encoder
// with float32 BLAS, the threshold to a packed code, then the chosen
// decoder. It is safe for concurrent use; scratch buffers come from a pool,
// so Predict allocates nothing in steady state. It wraps the graph-free
// core's predictor (internal/dsnccore), which package infer serves.
type Predictor struct {
	model *Model
	enc   *Encoder
	dec   Decoding
	p     *dsnccore.Predictor
}

// NewPredictor returns a predictor for m with the given decoder. The
// predictor keeps m (do not change it afterwards). Nearest and table
// decoding need the training codes (m.Codes, set by Fit or
// SetTrainingCodes) and return ErrNotFitted without them; TableDecoding
// returns ErrConfig when Bits > MaxTableBits. Building costs O(number of
// training codes) for NearestDecoding (the hash tables) and O(2^Bits·Bits)
// for TableDecoding. A nil m is ErrConfig.
func NewPredictor(m *Model, dec Decoding) (*Predictor, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewPredictor: nil model", ErrConfig)
	}
	if err := dec.validate(); err != nil {
		return nil, err
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	p, err := dsnccore.NewPredictor(m.core(), dec.core())
	if err != nil {
		return nil, err
	}
	return &Predictor{model: m, enc: &Encoder{p.Encoder()}, dec: dec, p: p}, nil
}

// Model returns the predictor's model.
func (p *Predictor) Model() *Model { return p.model }

// Decoding returns the predictor's decoder choice.
func (p *Predictor) Decoding() Decoding { return p.dec }

// Encoder returns the predictor's graph-free encoder.
func (p *Predictor) Encoder() *Encoder { return p.enc }

// Predict returns the label of one example x (Features values). It
// allocates nothing in steady state. It returns ErrInput for a row of the
// wrong width or with a NaN or infinite value. Cost: the encoder
// (O(Σ In·Out)) plus the decoder (see DecoderKind).
func (p *Predictor) Predict(x []float32) (int, error) { return p.p.Predict(x) }

// Code writes the threshold code of x into dst (grown if needed) and
// returns it. It returns ErrInput like Predict.
func (p *Predictor) Code(x []float32, dst []uint64) ([]uint64, error) { return p.p.Code(x, dst) }

// PredictBatch writes the labels of rows examples (x row-major,
// rows×Features) into dst[:rows] (grown if needed) and returns it. Rows are
// split into blocks encoded with one matrix product each, on GOMAXPROCS
// goroutines. It returns ErrInput, naming the row, for a bad row, and
// panics if len(x) != rows·Features.
func (p *Predictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	return p.p.PredictBatch(x, rows, dst)
}

// Accuracy returns the fraction of d's rows that Predict labels correctly,
// using PredictBatch. It returns the errors of d.Validate and ErrShape
// when d does not match the model.
func (p *Predictor) Accuracy(d *labelcode.Dataset) (float64, error) {
	if err := d.Validate(); err != nil {
		return 0, err
	}
	if d.Features != p.model.Config.Features || d.Classes != p.model.Config.Classes {
		return 0, fmt.Errorf("%w: data %d features, %d classes; model %d, %d", ErrShape,
			d.Features, d.Classes, p.model.Config.Features, p.model.Config.Classes)
	}
	pred, err := p.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, y := range pred {
		if y == d.Y[i] {
			correct++
		}
	}
	return float64(correct) / float64(d.Len()), nil
}

// Save writes the model and the decoder choice to path in one versioned
// file (see Model.Save: atomic, an existing file keeps its mode);
// LoadPredictor reads it back and rebuilds the decoder.
func (p *Predictor) Save(path string) error {
	b, err := marshal(p.model, p.dec)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// MarshalBinary encodes the model and the decoder choice.
func (p *Predictor) MarshalBinary() ([]byte, error) { return marshal(p.model, p.dec) }

// LoadPredictor reads a file written by Predictor.Save (or Model.Save, which
// records LinearDecoding) and builds the predictor. It returns the errors
// of Load and NewPredictor. Reading the file allocates no more than about
// twice its size (see Load); building the predictor then takes a few
// copies of the weights and what the decoding recorded in the file needs,
// as NewPredictor says: at most 4·2^MaxTableBits bytes (64 MiB) for a
// table.
func LoadPredictor(path string) (*Predictor, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return UnmarshalPredictor(b)
}

// UnmarshalPredictor decodes data written by Predictor.MarshalBinary and
// builds the predictor. It returns ErrFormat, ErrVersion, ErrTruncated or
// ErrCorrupt for bad data and the errors of NewPredictor. Decoding the data
// allocates no more than about twice len(data), as Model.UnmarshalBinary
// says; building the decoder is bounded as LoadPredictor says.
func UnmarshalPredictor(data []byte) (*Predictor, error) {
	m, dec, err := unmarshal(data)
	if err != nil {
		return nil, err
	}
	return NewPredictor(m, dec)
}
