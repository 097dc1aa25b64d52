package dsnccore

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/enum"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
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

var decoderKindNames = []string{LinearDecoding: "linear", NearestDecoding: "nearest", TableDecoding: "table"}

// String returns "linear", "nearest" or "table".
func (k DecoderKind) String() string { return enum.Name(decoderKindNames, k, "DecoderKind") }

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

// Validate returns limits.ErrConfig for an unknown kind, a table of a kind other
// than linear or nearest, or a neighbour count outside [0, 2^16].
func (d Decoding) Validate() error {
	if d.Kind > TableDecoding {
		return fmt.Errorf("%w: decoder kind %d", limits.ErrConfig, d.Kind)
	}
	if d.Kind == TableDecoding && d.TableOf != LinearDecoding && d.TableOf != NearestDecoding {
		return fmt.Errorf("%w: a table of %v decoding", limits.ErrConfig, d.TableOf)
	}
	if d.Neighbors < 0 || d.Neighbors > 1<<16 {
		return fmt.Errorf("%w: %d neighbours", limits.ErrConfig, d.Neighbors)
	}
	return nil
}

// Predictor classifies examples without the gorgonia graph: the encoder
// with float32 BLAS, the threshold to a packed code, then the chosen
// decoder. It is safe for concurrent use; scratch buffers come from a pool,
// so Predict allocates nothing in steady state.
type Predictor struct {
	model *Model
	enc   *Encoder
	dec   Decoding
	lab   Labeler
	pool  sync.Pool
}

// Labeler maps a code to a label using per-call scratch.
type Labeler interface {
	Label(code []uint64, s *Scratch) (int, error)
}

// Scratch is one goroutine's buffers for a Labeler and an Encoder.
type Scratch struct {
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
// SetTrainingCodes) and return limits.ErrNotFitted without them; TableDecoding
// returns limits.ErrConfig when Bits > MaxTableBits. Building costs O(number of
// training codes) for NearestDecoding (the hash tables) and O(2^Bits·Bits)
// for TableDecoding. A nil m is limits.ErrConfig.
func NewPredictor(m *Model, dec Decoding) (*Predictor, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: NewPredictor: nil model", limits.ErrConfig)
	}
	if err := dec.Validate(); err != nil {
		return nil, err
	}
	enc, err := NewEncoder(m)
	if err != nil {
		return nil, err
	}
	if err := CheckCodes(m); err != nil {
		return nil, err
	}
	lab, err := NewLabeler(m, dec)
	if err != nil {
		return nil, err
	}
	p := &Predictor{model: m, enc: enc, dec: dec, lab: lab}
	p.pool.New = func() any { return new(Scratch) }
	return p, nil
}

// Model returns the predictor's model.
func (p *Predictor) Model() *Model { return p.model }

// Decoding returns the predictor's decoder choice.
func (p *Predictor) Decoding() Decoding { return p.dec }

// Encoder returns the predictor's graph-free encoder.
func (p *Predictor) Encoder() *Encoder { return p.enc }

// checkRow returns limits.ErrInput when x has the wrong width or a
// non-finite value.
func (p *Predictor) checkRow(x []float32) error {
	return nn.CheckRow(x, p.enc.features, limits.ErrInput)
}

// Predict returns the label of one example x (Features values). It
// allocates nothing in steady state. It returns limits.ErrInput for a row of the
// wrong width or with a NaN or infinite value. Cost: the encoder
// (O(Σ In·Out)) plus the decoder (see DecoderKind).
func (p *Predictor) Predict(x []float32) (int, error) {
	if err := p.checkRow(x); err != nil {
		return 0, err
	}
	s := p.pool.Get().(*Scratch)
	s.code = p.enc.Encode(x, s.code, &s.ws)
	y, err := p.lab.Label(s.code, s)
	p.pool.Put(s)
	if err != nil {
		return 0, fmt.Errorf("dsnc: decoding: %w", err)
	}
	return y, nil
}

// Code writes the threshold code of x into dst (grown if needed) and
// returns it. It returns limits.ErrInput like Predict.
func (p *Predictor) Code(x []float32, dst []uint64) ([]uint64, error) {
	if err := p.checkRow(x); err != nil {
		return dst, err
	}
	s := p.pool.Get().(*Scratch)
	dst = p.enc.Encode(x, dst, &s.ws)
	p.pool.Put(s)
	return dst, nil
}

// PredictBatch writes the labels of rows examples (x row-major,
// rows×Features) into dst[:rows] (grown if needed) and returns it. Rows are
// split into blocks encoded with one matrix product each, on GOMAXPROCS
// goroutines. It returns limits.ErrInput, naming the row, for a bad row, and
// panics if len(x) != rows·Features.
func (p *Predictor) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	f := p.enc.features
	if err := nn.CheckRows(x, rows, f, limits.ErrInput, "dsnc: PredictBatch"); err != nil {
		return dst, err
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
		s := p.pool.Get().(*Scratch)
		defer p.pool.Put(s)
		for b := w; b < blocks; b += workers {
			lo, hi := b*block, min((b+1)*block, rows)
			codes := p.enc.EncodeBatch(x[lo*f:hi*f], hi-lo, s.code, &s.ws)
			s.code = codes
			words := p.enc.words
			if l, ok := p.lab.(*LinearLabeler); ok {
				l.labelBatch(codes, words, hi-lo, dst[lo:hi], s)
				continue
			}
			for r := lo; r < hi; r++ {
				y, err := p.lab.Label(codes[(r-lo)*words:(r-lo+1)*words], s)
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

// NewLabeler returns the decoder dec names for m: limits.ErrNotFitted when it
// needs training codes m lacks, limits.ErrConfig for a table of more than
// MaxTableBits bits, limits.ErrShape or limits.ErrNonFinite for
// inconsistent data.
func NewLabeler(m *Model, dec Decoding) (Labeler, error) {
	newLinear := func() (*decode.Linear, error) {
		dl := m.BinaryDecoder()
		lin, err := decode.NewLinear(mat.NewDense(m.Config.Bits, m.Config.Classes, ToFloat64(dl.W)).T(), ToFloat64(dl.B))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", limits.ErrNonFinite, err)
		}
		return lin, nil
	}
	needCodes := dec.Kind == NearestDecoding || (dec.Kind == TableDecoding && dec.TableOf == NearestDecoding)
	if needCodes && len(m.CodeLabels) == 0 {
		return nil, fmt.Errorf("%w: %v decoding needs the training codes", limits.ErrNotFitted, dec.Kind)
	}
	switch dec.Kind {
	case LinearDecoding:
		return NewLinearLabeler(m), nil
	case NearestDecoding:
		mi, err := hamming.NewMultiIndex(m.Config.Bits, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", limits.ErrConfig, err)
		}
		if _, err := mi.AddPacked(m.Codes); err != nil {
			return nil, fmt.Errorf("%w: %w", limits.ErrShape, err)
		}
		if err := mi.Build(context.Background(), nil); err != nil {
			return nil, err
		}
		nn, err := decode.NewHammingNN(mi, m.CodeLabels, m.Config.Classes, max(dec.Neighbors, 1))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", limits.ErrShape, err)
		}
		return nearestLabeler{nn}, nil
	case TableDecoding:
		if m.Config.Bits > MaxTableBits {
			return nil, fmt.Errorf("%w: table decoding of %d-bit codes, at most %d", limits.ErrConfig, m.Config.Bits, MaxTableBits)
		}
		var t *decode.Table
		if dec.TableOf == NearestDecoding {
			idx, err := hamming.NewTable(m.Config.Bits)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", limits.ErrConfig, err)
			}
			if _, err := idx.AddPacked(m.Codes); err != nil {
				return nil, fmt.Errorf("%w: %w", limits.ErrShape, err)
			}
			if t, err = decode.NewTableFromIndex(context.Background(), idx, m.CodeLabels, m.Config.Classes); err != nil {
				return nil, fmt.Errorf("%w: %w", limits.ErrShape, err)
			}
		} else {
			lin, err := newLinear()
			if err != nil {
				return nil, err
			}
			if t, err = decode.NewTableFromLinear(context.Background(), lin, nil); err != nil {
				return nil, fmt.Errorf("%w: %w", limits.ErrConfig, err)
			}
		}
		return tableLabeler{t}, nil
	}
	return nil, fmt.Errorf("%w: decoder kind %d", limits.ErrConfig, dec.Kind)
}

// LinearLabeler is the linear decoder in float32: the scores B + W·b of a
// code b, W being the decoder's Bits×Classes weights (one row per bit),
// then the arg-max (ties: the smallest class). The scores are B plus the
// rows of the code's set bits or, when more than half of the bits are set,
// T minus the rows of its clear bits, T = B + Σ_i W_i precomputed (summed
// in float64, rounded once), so that at most Bits/2 rows of Classes
// weights are read: reading rows is the whole cost, and a code can be
// mostly ones (the bench/ DSNC network, after its two epochs, sets 63.9 of
// 64 bits on average). The rows are added by nn.SumRows, an AVX2 kernel
// that streams each row once (measured at 64 bits and 20,000 classes:
// about 50 µs for 32 rows, where decode.Linear's float64 rows took about
// 500 µs). The two forms round differently, so a class whose score is
// within float32 rounding of the best one may win either way; both match
// decode.Linear's float64 scores to rounding. A batch of codes is scored
// with one matrix product (codes as 0/1 rows times W).
type LinearLabeler struct {
	bits, classes int
	w, b          []float32
	total         []float32 // B + Σ_i W_i: the scores of the all-ones code
	minus         []float32 // Bits weights of -1: the clear bits' rows are subtracted
}

// NewLinearLabeler returns the float32 linear decoder of m's BinaryDecoder.
func NewLinearLabeler(m *Model) *LinearLabeler {
	w, b := m.BinaryDecoder().Float32()
	l := &LinearLabeler{bits: m.Config.Bits, classes: m.Config.Classes, w: w, b: b,
		total: make([]float32, m.Config.Classes), minus: make([]float32, m.Config.Bits)}
	sum := make([]float64, l.classes)
	for j, v := range b {
		sum[j] = float64(v)
	}
	for i := range l.bits {
		for j, v := range w[i*l.classes : (i+1)*l.classes] {
			sum[j] += float64(v)
		}
		l.minus[i] = -1
	}
	for j, v := range sum {
		l.total[j] = float32(v)
	}
	return l
}

// Label returns the best class of code (ties: the smallest).
func (l *LinearLabeler) Label(code []uint64, s *Scratch) (int, error) {
	l.Scores(code, s)
	return nn.ArgMax(s.scores), nil
}

// Scores computes the class scores of code into s and returns them (valid
// until s is used again).
func (l *LinearLabeler) Scores(code []uint64, s *Scratch) []float32 {
	s.scores = nn.Grow(s.scores, l.classes)
	set := 0
	for _, word := range code {
		set += bits.OnesCount64(word)
	}
	s.idx = s.idx[:0]
	if 2*set <= l.bits {
		copy(s.scores, l.b)
		for w, word := range code {
			for word != 0 {
				s.idx = append(s.idx, int32(w*64+bits.TrailingZeros64(word)))
				word &= word - 1
			}
		}
		nn.SumRows(s.scores, l.w, l.classes, s.idx, nil)
	} else {
		copy(s.scores, l.total)
		for w, word := range code {
			zeros := ^word
			if n := l.bits - w*64; n < 64 {
				zeros &= 1<<uint(n) - 1
			}
			for zeros != 0 {
				s.idx = append(s.idx, int32(w*64+bits.TrailingZeros64(zeros)))
				zeros &= zeros - 1
			}
		}
		nn.SumRows(s.scores, l.w, l.classes, s.idx, l.minus[:len(s.idx)])
	}
	return s.scores
}

// linearBatchRows is the number of codes scored by one matrix product:
// 32 rows of 20,000 scores take 2.5 MB.
const linearBatchRows = 32

// labelBatch writes the labels of rows packed codes (words each) into dst.
func (l *LinearLabeler) labelBatch(codes []uint64, words, rows int, dst []int, s *Scratch) {
	k := l.classes
	for lo := 0; lo < rows; lo += linearBatchRows {
		n := min(linearBatchRows, rows-lo)
		s.codeM = nn.Grow(s.codeM, n*l.bits)
		clear(s.codeM)
		for r := 0; r < n; r++ {
			row := s.codeM[r*l.bits : (r+1)*l.bits]
			for w, word := range codes[(lo+r)*words : (lo+r+1)*words] {
				for word != 0 {
					row[w*64+bits.TrailingZeros64(word)] = 1
					word &= word - 1
				}
			}
		}
		s.scoreM = nn.Grow(s.scoreM, n*k)
		for r := 0; r < n; r++ {
			copy(s.scoreM[r*k:(r+1)*k], l.b)
		}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas32.General{Rows: n, Cols: l.bits, Stride: l.bits, Data: s.codeM},
			blas32.General{Rows: l.bits, Cols: k, Stride: k, Data: l.w}, 1,
			blas32.General{Rows: n, Cols: k, Stride: k, Data: s.scoreM})
		for r := 0; r < n; r++ {
			dst[lo+r] = nn.ArgMax(s.scoreM[r*k : (r+1)*k])
		}
	}
}

// nearestLabeler is decode.HammingNN over a hamming.MultiIndex.
type nearestLabeler struct{ d *decode.HammingNN }

// Label returns the label of the nearest training code(s).
func (l nearestLabeler) Label(code []uint64, _ *Scratch) (int, error) {
	v, err := l.d.Decode(code)
	return v.Label, err
}

// tableLabeler is a decode.Table: one lookup per code.
type tableLabeler struct{ t *decode.Table }

// Label looks code up in the table.
func (l tableLabeler) Label(code []uint64, _ *Scratch) (int, error) { return l.t.Decode(code) }

// ErrUnsupported reports a request that the predictor's decoder cannot
// answer (TopK of the nearest and table decoders, which give one label and
// no per-class score).
var ErrUnsupported = errors.New("dsnc: not supported by this decoder")

// TopK writes the k best classes of x (k >= 1, at most Classes) into
// dst[:k], best first (ties: the smaller class), with their linear-decoder
// scores B′ + W′·b in float32 widened to float64 (b the threshold code of
// x, W′ and B′ the model's BinaryDecoder), and returns it; dst is grown
// when short. The first label is Predict's. It allocates nothing when dst
// has capacity k. Only LinearDecoding has per-class scores: the other
// decoders return ErrUnsupported. It returns limits.ErrInput for a bad row.
// Cost: Predict's plus O(Classes·k).
func (p *Predictor) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	lin, ok := p.lab.(*LinearLabeler)
	if !ok {
		return dst[:0], fmt.Errorf("%w: top-k of %v decoding", ErrUnsupported, p.dec.Kind)
	}
	if err := p.checkRow(x); err != nil {
		return dst[:0], err
	}
	k = min(max(k, 0), lin.classes)
	s := p.pool.Get().(*Scratch)
	s.code = p.enc.Encode(x, s.code, &s.ws)
	dst = TopScores(lin.Scores(s.code, s), k, dst)
	p.pool.Put(s)
	return dst, nil
}

// TopScores writes the k highest of scores (k <= len(scores)) into
// dst[:k] as (index, score), highest first, ties to the smaller index, and
// returns it, grown when short. Cost O(len(scores)·k).
func TopScores(scores []float32, k int, dst []decode.Scored) []decode.Scored {
	dst = dst[:0]
	for j, v := range scores {
		s := float64(v)
		if len(dst) == k {
			if k == 0 || !(s > dst[k-1].Score) {
				continue
			}
			dst = dst[:k-1]
		}
		dst = append(dst, decode.Scored{Label: j, Score: s})
		for i := len(dst) - 1; i > 0 && dst[i].Score > dst[i-1].Score; i-- {
			dst[i], dst[i-1] = dst[i-1], dst[i]
		}
	}
	return dst
}

// Classes returns the number of classes.
func (p *Predictor) Classes() int { return p.model.Config.Classes }
