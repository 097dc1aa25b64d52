package dsnc

import (
	"context"
	"fmt"
	"math/bits"
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/nn"
)

func newLabeler(m *Model, dec Decoding) (labeler, error) {
	newLinear := func() (*decode.Linear, error) {
		dl := m.BinaryDecoder()
		w, b := dl.W.Data(), dl.B.Data()
		lin, err := decode.NewLinear(mat.NewDense(m.Config.Bits, m.Config.Classes, toFloat64(w)).T(), toFloat64(b))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNonFinite, err)
		}
		return lin, nil
	}
	needCodes := dec.Kind == NearestDecoding || (dec.Kind == TableDecoding && dec.TableOf == NearestDecoding)
	if needCodes && len(m.CodeLabels) == 0 {
		return nil, fmt.Errorf("%w: %v decoding needs the training codes", ErrNotFitted, dec.Kind)
	}
	switch dec.Kind {
	case LinearDecoding:
		return newLinearLabeler(m), nil
	case NearestDecoding:
		mi, err := hamming.NewMultiIndex(m.Config.Bits, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if _, err := mi.AddPacked(m.Codes); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrShape, err)
		}
		if err := mi.Build(context.Background(), nil); err != nil {
			return nil, err
		}
		nn, err := decode.NewHammingNN(mi, m.CodeLabels, m.Config.Classes, max(dec.Neighbors, 1))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrShape, err)
		}
		return nearestLabeler{nn}, nil
	case TableDecoding:
		if m.Config.Bits > MaxTableBits {
			return nil, fmt.Errorf("%w: table decoding of %d-bit codes, at most %d", ErrConfig, m.Config.Bits, MaxTableBits)
		}
		var t *decode.Table
		if dec.TableOf == NearestDecoding {
			idx, err := hamming.NewTable(m.Config.Bits)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
			if _, err := idx.AddPacked(m.Codes); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrShape, err)
			}
			if t, err = decode.NewTableFromIndex(context.Background(), idx, m.CodeLabels, m.Config.Classes); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrShape, err)
			}
		} else {
			lin, err := newLinear()
			if err != nil {
				return nil, err
			}
			if t, err = decode.NewTableFromLinear(context.Background(), lin, nil); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
		}
		return tableLabeler{t}, nil
	}
	return nil, fmt.Errorf("%w: decoder kind %d", ErrConfig, dec.Kind)
}

// linearLabeler is the linear decoder in float32: the scores B + W·b of a
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
type linearLabeler struct {
	bits, classes int
	w, b          []float32
	total         []float32 // B + Σ_i W_i: the scores of the all-ones code
	minus         []float32 // Bits weights of -1: the clear bits' rows are subtracted
}

func newLinearLabeler(m *Model) *linearLabeler {
	w, b := m.BinaryDecoder().Float32()
	l := &linearLabeler{bits: m.Config.Bits, classes: m.Config.Classes, w: w, b: b,
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

func (l *linearLabeler) label(code []uint64, s *scratch) (int, error) {
	s.scores = grow(s.scores, l.classes)
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
	return nn.ArgMax(s.scores), nil
}

// linearBatchRows is the number of codes scored by one matrix product:
// 32 rows of 20,000 scores take 2.5 MB.
const linearBatchRows = 32

// labelBatch writes the labels of rows packed codes (words each) into dst.
func (l *linearLabeler) labelBatch(codes []uint64, words, rows int, dst []int, s *scratch) {
	k := l.classes
	for lo := 0; lo < rows; lo += linearBatchRows {
		n := min(linearBatchRows, rows-lo)
		s.codeM = grow(s.codeM, n*l.bits)
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
		s.scoreM = grow(s.scoreM, n*k)
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

func (l nearestLabeler) label(code []uint64, _ *scratch) (int, error) {
	v, err := l.d.Decode(code)
	return v.Label, err
}

// tableLabeler is a decode.Table: one lookup per code.
type tableLabeler struct{ t *decode.Table }

func (l tableLabeler) label(code []uint64, _ *scratch) (int, error) { return l.t.Decode(code) }

func toFloat64(d any) []float64 {
	switch v := d.(type) {
	case []float64:
		return append([]float64(nil), v...)
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	panic(fmt.Sprintf("dsnc: unsupported weight type %T", d))
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
