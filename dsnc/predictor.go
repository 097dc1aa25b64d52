package dsnc

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/limits"
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
const MaxTableBits = 24

// String returns "linear", "nearest" or "table".
func (k DecoderKind) String() string {
	switch k {
	case LinearDecoding:
		return "linear"
	case NearestDecoding:
		return "nearest"
	case TableDecoding:
		return "table"
	}
	return fmt.Sprintf("DecoderKind(%d)", uint8(k))
}

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

func (d Decoding) validate() error {
	if d.Kind > TableDecoding {
		return fmt.Errorf("%w: decoder kind %d", ErrConfig, d.Kind)
	}
	if d.Kind == TableDecoding && d.TableOf != LinearDecoding && d.TableOf != NearestDecoding {
		return fmt.Errorf("%w: a table of %v decoding", ErrConfig, d.TableOf)
	}
	if d.Neighbors < 0 || d.Neighbors > 1<<16 {
		return fmt.Errorf("%w: %d neighbours", ErrConfig, d.Neighbors)
	}
	return nil
}

// ErrInput reports an input row of the wrong width or with a NaN or
// infinite value.
var ErrInput = errors.New("dsnc: bad input row")

// Predictor classifies examples without the gorgonia graph: the encoder
// with float32 BLAS, the threshold to a packed code, then the chosen
// decoder. It is safe for concurrent use; scratch buffers come from a pool,
// so Predict allocates nothing in steady state.
type Predictor struct {
	model *Model
	enc   *Encoder
	dec   Decoding
	lab   labeler
	pool  sync.Pool
}

// labeler maps a code to a label using per-call scratch.
type labeler interface {
	label(code []uint64, s *scratch) (int, error)
}

// scratch is one goroutine's buffers.
type scratch struct {
	ws     Workspace
	code   []uint64
	scores []float32 // linear decoding: one code's class scores
	idx    []int32   // linear decoding: the code's set bits
	codeM  []float32 // linear decoding of a batch: codes as 0/1 rows
	scoreM []float32 // linear decoding of a batch: their scores
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
	enc, err := NewEncoder(m)
	if err != nil {
		return nil, err
	}
	if err := checkCodes(m); err != nil {
		return nil, err
	}
	lab, err := newLabeler(m, dec)
	if err != nil {
		return nil, err
	}
	p := &Predictor{model: m, enc: enc, dec: dec, lab: lab}
	p.pool.New = func() any { return new(scratch) }
	return p, nil
}

// Model returns the predictor's model.
func (p *Predictor) Model() *Model { return p.model }

// Decoding returns the predictor's decoder choice.
func (p *Predictor) Decoding() Decoding { return p.dec }

// Encoder returns the predictor's graph-free encoder.
func (p *Predictor) Encoder() *Encoder { return p.enc }

// checkRow returns ErrInput when x has the wrong width or a non-finite value.
func (p *Predictor) checkRow(x []float32) error {
	if len(x) != p.enc.features {
		return fmt.Errorf("%w: %d values, model has %d features", ErrInput, len(x), p.enc.features)
	}
	for j, v := range x {
		if v != v || v > maxFloat32 || v < -maxFloat32 {
			return fmt.Errorf("%w: feature %d is %v", ErrInput, j, v)
		}
	}
	return nil
}

const maxFloat32 = 3.40282346638528859811704183484516925440e+38

// Predict returns the label of one example x (Features values). It
// allocates nothing in steady state. It returns ErrInput for a row of the
// wrong width or with a NaN or infinite value. Cost: the encoder
// (O(Σ In·Out)) plus the decoder (see DecoderKind).
func (p *Predictor) Predict(x []float32) (int, error) {
	if err := p.checkRow(x); err != nil {
		return 0, err
	}
	s := p.pool.Get().(*scratch)
	s.code = p.enc.Encode(x, s.code, &s.ws)
	y, err := p.lab.label(s.code, s)
	p.pool.Put(s)
	if err != nil {
		return 0, fmt.Errorf("dsnc: decoding: %w", err)
	}
	return y, nil
}

// Code writes the threshold code of x into dst (grown if needed) and
// returns it. It returns ErrInput like Predict.
func (p *Predictor) Code(x []float32, dst []uint64) ([]uint64, error) {
	if err := p.checkRow(x); err != nil {
		return dst, err
	}
	s := p.pool.Get().(*scratch)
	dst = p.enc.Encode(x, dst, &s.ws)
	p.pool.Put(s)
	return dst, nil
}

// PredictBatch writes the labels of rows examples (x row-major,
// rows×Features) into dst[:rows] (grown if needed) and returns it. Rows are
// split into blocks encoded with one matrix product each, on GOMAXPROCS
// goroutines. It returns ErrInput, naming the row, for a bad row, and
// panics if len(x) != rows·Features.
func (p *Predictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	f := p.enc.features
	if n, ok := limits.Mul(rows, f); !ok || n != len(x) { // a wrapped product must not pass
		panic(fmt.Sprintf("dsnc: PredictBatch %d values for %d rows of %d features", len(x), rows, f))
	}
	for r := 0; r < rows; r++ {
		if err := p.checkRow(x[r*f : (r+1)*f]); err != nil {
			return dst, fmt.Errorf("row %d: %w", r, err)
		}
	}
	if cap(dst) < rows {
		dst = make([]int, rows)
	}
	dst = dst[:rows]
	const block = 256
	blocks := (rows + block - 1) / block
	workers := min(runtime.GOMAXPROCS(0), blocks)
	errs := make([]error, workers)
	run := func(w int) {
		s := p.pool.Get().(*scratch)
		defer p.pool.Put(s)
		for b := w; b < blocks; b += workers {
			lo, hi := b*block, min((b+1)*block, rows)
			codes := p.enc.EncodeBatch(x[lo*f:hi*f], hi-lo, s.code, &s.ws)
			s.code = codes
			words := p.enc.words
			if l, ok := p.lab.(*linearLabeler); ok {
				l.labelBatch(codes, words, hi-lo, dst[lo:hi], s)
				continue
			}
			for r := lo; r < hi; r++ {
				y, err := p.lab.label(codes[(r-lo)*words:(r-lo+1)*words], s)
				if err != nil {
					errs[w] = fmt.Errorf("dsnc: decoding row %d: %w", r, err)
					return
				}
				dst[r] = y
			}
		}
	}
	if workers <= 1 {
		run(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(w)
			}()
		}
		wg.Wait()
	}
	return dst, errors.Join(errs...)
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
