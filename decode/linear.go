package decode

import (
	"fmt"
	"math/bits"
	"sync"

	"github.com/labelcode/labelcode/hamming"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Linear is the linear decoder of DSNC: class scores W·b + bias for a
// binary code b, W having one row per class and one column per bit. It is
// immutable and safe for concurrent use.
//
// W is stored transposed (one contiguous row of K weights per bit), so
// that the scores are bias plus the sum of the rows of the code's set bits,
// each added with gonum's floats.Add (a vectorised axpy): O(K·popcount(b))
// rather than the O(K·c) of a dense matrix–vector product. The score of
// class y is exactly bias[y] + W[y][i1] + W[y][i2] + ... over the set bits
// i1 < i2 < ... in ascending order, rounded after each addition.
type Linear struct {
	classes, nbits int
	wt             *mat.Dense // nbits × classes: row i is column i of W
	bias           []float64
	pool           sync.Pool // *[]float64 of length classes
}

// NewLinear returns the decoder with weights w (K rows, one per class; c
// columns, one per bit) and bias (length K; nil for zero). The arguments are
// copied.
//
// It returns ErrShape if w is nil (or a typed nil pointer), has no rows or no columns or len(bias) is not K,
// and ErrScore if a weight or bias is NaN, ±Inf, or of magnitude 2^1000 or
// more (so that no sum of them overflows). Cost: O(K·c).
func NewLinear(w mat.Matrix, bias []float64) (*Linear, error) {
	if isNil(w) {
		return nil, fmt.Errorf("decode: NewLinear: nil weights: %w", ErrShape)
	}
	k, c := w.Dims()
	if k == 0 || c == 0 {
		return nil, fmt.Errorf("decode: NewLinear: %d×%d weights: %w", k, c, ErrShape)
	}
	if bias != nil && len(bias) != k {
		return nil, fmt.Errorf("decode: NewLinear: %d biases for %d classes: %w", len(bias), k, ErrShape)
	}
	d := &Linear{classes: k, nbits: c, wt: mat.NewDense(c, k, nil), bias: make([]float64, k)}
	d.wt.Copy(w.T())
	copy(d.bias, bias)
	for i := range c {
		for y, x := range d.wt.RawRowView(i) {
			if !finiteSmall(x) {
				return nil, fmt.Errorf("decode: NewLinear: weight [%d][%d] = %v: %w", y, i, x, ErrScore)
			}
		}
	}
	for y, x := range d.bias {
		if !finiteSmall(x) {
			return nil, fmt.Errorf("decode: NewLinear: bias[%d] = %v: %w", y, x, ErrScore)
		}
	}
	return d, nil
}

// finiteSmall reports whether x is a number with |x| < 2^1000.
func finiteSmall(x float64) bool { return x < hugeScore && x > -hugeScore }

// Classes returns K.
func (d *Linear) Classes() int { return d.classes }

// Bits returns c, the code length.
func (d *Linear) Bits() int { return d.nbits }

// checkCode returns an ErrCode error unless code is a valid packed code of
// bits bits.
func checkCode(nbits int, code []uint64) error {
	if err := hamming.Check(nbits, code); err != nil {
		return fmt.Errorf("decode: %w: %w", ErrCode, err)
	}
	return nil
}

// Scores writes the K class scores of code into dst (grown when too short)
// and returns it; with cap(dst) >= K it allocates nothing. code is packed
// as in package hamming (bit i is bit i%64 of word i/64). It returns ErrCode
// for a code of the wrong length or with unused bits set. Cost:
// O(K·(popcount(code)+1)).
func (d *Linear) Scores(code []uint64, dst []float64) ([]float64, error) {
	if err := checkCode(d.nbits, code); err != nil {
		return dst, err
	}
	if cap(dst) < d.classes {
		dst = make([]float64, d.classes)
	}
	dst = dst[:d.classes]
	d.scores(code, dst)
	return dst, nil
}

func (d *Linear) scores(code []uint64, dst []float64) {
	copy(dst, d.bias)
	for w, word := range code {
		for word != 0 {
			i := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			floats.Add(dst, d.wt.RawRowView(i))
		}
	}
}

// Decode returns the class with the highest score for code (ties: the
// smallest class) and its score. Errors as for Scores. It allocates nothing
// once warm. Cost: O(K·(popcount(code)+1)).
func (d *Linear) Decode(code []uint64) (Scored, error) {
	var buf [1]Scored
	out, err := d.TopK(code, 1, buf[:0])
	if err != nil {
		return Scored{}, err
	}
	return out[0], nil
}

// TopK returns the k classes with the highest scores for code, by
// descending score, ties by ascending class, appended to dst[:0] (min(k, K)
// entries; none for k <= 0). Errors as for Scores. With cap(dst) >= k it
// allocates nothing once warm. Cost: O(K·(popcount(code)+1+log k)).
func (d *Linear) TopK(code []uint64, k int, dst []Scored) ([]Scored, error) {
	if err := checkCode(d.nbits, code); err != nil {
		return dst[:0], err
	}
	if k <= 0 {
		return dst[:0], nil
	}
	sp := d.getScores()
	defer d.pool.Put(sp)
	s := *sp
	d.scores(code, s)
	var t topK
	t.reset(min(k, d.classes), dst)
	topOf(s, &t)
	return t.sorted(), nil
}

func (d *Linear) getScores() *[]float64 {
	if sp, ok := d.pool.Get().(*[]float64); ok {
		return sp
	}
	s := make([]float64, d.classes)
	return &s
}

// topOf offers every (index, score) of s to t, in index order.
func topOf(s []float64, t *topK) {
	o := newOfferer(t)
	for y, x := range s {
		if x > o.thr || !o.full {
			o.take(y, x)
		}
	}
}
