package labelmap

import (
	"fmt"
	"sync"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/limits"
)

// InputEncoder is Label Mapping used on the input side (LM paper, section
// V-C, the "Republic" experiment): a categorical value v in [0, K) becomes
// the n-hot vector of its symbols, one block per site, block i of length
// SiteClasses(i) holding a single 1 at f_i(v). Width() = Σ_i SiteClasses(i)
// is far below K, and an embedding of the n-hot vector is the sum of n
// embedding rows (Embed), so the embedding table has Width() rows instead
// of K. An InputEncoder is immutable and safe for concurrent use.
type InputEncoder struct {
	m       codes.Mapping
	offsets []int // offsets[i]: first position of site i's block
	width   int
	idx     sync.Pool // *[]int scratch for Encode and Embed
}

// NewInputEncoder returns the encoder of m. It returns ErrConfig for a nil
// mapping.
func NewInputEncoder(m codes.Mapping) (*InputEncoder, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil mapping", ErrConfig)
	}
	e := &InputEncoder{m: m, offsets: make([]int, m.Sites())}
	e.idx.New = func() any { return new([]int) }
	for i := range e.offsets {
		e.offsets[i] = e.width
		e.width += m.SiteClasses(i)
	}
	return e, nil
}

// Width returns the length of an encoded value, Σ_i SiteClasses(i).
func (e *InputEncoder) Width() int { return e.width }

// Sites returns n, the number of ones in an encoded value.
func (e *InputEncoder) Sites() int { return len(e.offsets) }

// Indices writes the n positions of the ones of value's encoding, in
// increasing order (offset of site i plus f_i(value)), into dst (grown when
// too short) and returns it: the index list of a sparse input or an
// embedding lookup. It returns ErrLabelRange for a value outside [0, K).
// No allocation when cap(dst) >= Sites().
func (e *InputEncoder) Indices(value int, dst []int) ([]int, error) {
	dst, err := e.m.Encode(value, dst)
	if err != nil {
		return dst, fmt.Errorf("labelmap: input value: %w", err)
	}
	for i, s := range dst {
		dst[i] = e.offsets[i] + s
	}
	return dst, nil
}

// Encode writes the dense n-hot row of value (Width() float32s, zeros and
// Sites() ones) into dst (grown when too short) and returns it. It returns
// ErrLabelRange for a value outside [0, K). Cost O(Width()); no allocation
// when cap(dst) >= Width().
func (e *InputEncoder) Encode(value int, dst []float32) ([]float32, error) {
	dst, p, err := e.start(value, e.width, dst)
	defer e.idx.Put(p)
	if err != nil {
		return dst, err
	}
	for _, j := range *p {
		dst[j] = 1
	}
	return dst, nil
}

// start returns dst resliced to n zeros (grown when too short) and the
// site indices of value in a pooled slice, which the caller returns to
// e.idx whatever the error.
func (e *InputEncoder) start(value, n int, dst []float32) ([]float32, *[]int, error) {
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	clear(dst)
	p := e.idx.Get().(*[]int)
	var err error
	*p, err = e.Indices(value, *p)
	return dst, p, err
}

// EncodeRows encodes a row of several categorical values (for example the
// previous words of a language model), concatenating their n-hot vectors:
// len(values)·Width() float32s appended to dst[:0]. It returns
// ErrLabelRange (naming the position) for a value outside [0, K), and
// ErrTooLarge when len(values)·Width() overflows an int.
func (e *InputEncoder) EncodeRows(values []int, dst []float32) ([]float32, error) {
	need, ok := limits.Mul(len(values), e.width)
	if !ok {
		return dst, fmt.Errorf("labelmap: %w: %d values of width %d", ErrTooLarge, len(values), e.width)
	}
	if cap(dst) < need {
		dst = make([]float32, need)
	}
	dst = dst[:need]
	for p, v := range values {
		if _, err := e.Encode(v, dst[p*e.width:(p+1)*e.width]); err != nil {
			return dst, fmt.Errorf("position %d: %w", p, err)
		}
	}
	return dst, nil
}

// Embed writes the embedding of value, the product of its n-hot row with
// a Width()×dim table (row-major), into dst (grown when too short) and
// returns it: the sum of the table rows at Indices(value). It returns
// ErrLabelRange for a value outside [0, K) and panics if len(table) is not
// Width()·dim. Cost O(Sites()·dim).
func (e *InputEncoder) Embed(value int, table []float32, dim int, dst []float32) ([]float32, error) {
	if size, ok := limits.Mul(e.width, dim); !ok || len(table) != size {
		panic("labelmap: Embed: table is not Width()×dim")
	}
	dst, p, err := e.start(value, dim, dst)
	defer e.idx.Put(p)
	if err != nil {
		return dst, err
	}
	for _, j := range *p {
		for k, w := range table[j*dim : (j+1)*dim] {
			dst[k] += w
		}
	}
	return dst, nil
}
