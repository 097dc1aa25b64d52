package dsnccore

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
)

// denseF32 is a dense layer's float32 weights for the graph-free pass.
type denseF32 struct {
	in, out int
	w       []float32 // in×out, row-major
	b       []float32
}

// Encoder is a Model's encoder without the graph: float32 weights, one
// row through nn.RowAffine (an AVX2 kernel streaming the rows of W, the
// ones of zero inputs skipped), a batch through gonum BLAS matrix
// products, thresholding the code layer to packed bits (bit i of a code is
// bit i%64 of word i/64; the sigmoid is skipped because σ(z) >= 0.5 exactly
// when z >= 0). It is read-only after NewEncoder and safe for concurrent use;
// each goroutine passes its own Workspace.
type Encoder struct {
	layers   []denseF32
	features int
	bits     int
	words    int
	maxWidth int
}

// Workspace holds the scratch buffers of one goroutine's encoder calls, so
// that encoding allocates nothing once the buffers have grown. The zero
// value is ready to use; a Workspace must not be shared by goroutines.
type Workspace struct {
	a, b []float32
	rows nn.RowScratch
}

// NewEncoder copies m's encoder weights to float32 (a float64 model is
// rounded) for graph-free encoding. It returns limits.ErrConfig for a nil m or
// an invalid m.Config, and limits.ErrShape or limits.ErrNonFinite when m
// is inconsistent.
func NewEncoder(m *Model) (*Encoder, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	e := &Encoder{features: m.Config.Features, bits: m.Config.Bits, words: hamming.Words(m.Config.Bits)}
	for _, l := range m.Encoder {
		w, b := l.Float32()
		e.layers = append(e.layers, denseF32{in: l.In, out: l.Out, w: w, b: b})
		e.maxWidth = max(e.maxWidth, l.Out)
	}
	return e, nil
}

// Features returns the input width.
func (e *Encoder) Features() int { return e.features }

// Bits returns the code length.
func (e *Encoder) Bits() int { return e.bits }

// Words returns the uint64 words of one packed code.
func (e *Encoder) Words() int { return e.words }

// Encode writes the threshold code of one row x into dst[:Words()] and
// returns it; dst is grown if too short. It allocates nothing when dst and
// ws are large enough (after the first call). Cost O(Σ In·Out) flops.
// It panics if len(x) != Features().
func (e *Encoder) Encode(x []float32, dst []uint64, ws *Workspace) []uint64 {
	if len(x) != e.features {
		panic(fmt.Sprintf("dsnc: Encode row of %d values, model has %d features", len(x), e.features))
	}
	ws.a = nn.Grow(ws.a, e.maxWidth)
	ws.b = nn.Grow(ws.b, e.maxWidth)
	in := x
	for i, l := range e.layers {
		out := ws.a[:l.out]
		if i%2 == 1 {
			out = ws.b[:l.out]
		}
		nn.RowAffine(out, in, l.w, l.b, &ws.rows)
		if i < len(e.layers)-1 {
			nn.Rectify(out)
		}
		in = out
	}
	dst = nn.Grow(dst, e.words)[:e.words]
	packSigns(in, dst)
	return dst
}

// EncodeBatch writes the codes of rows rows of x (row-major, rows×Features)
// into dst[:rows·Words()] and returns it, with one matrix product per
// layer. It allocates nothing once dst and ws are large enough. It panics
// if len(x) != rows·Features().
func (e *Encoder) EncodeBatch(x []float32, rows int, dst []uint64, ws *Workspace) []uint64 {
	if n, ok := limits.Mul(rows, e.features); !ok || n != len(x) { // a wrapped product must not pass
		panic(fmt.Sprintf("dsnc: EncodeBatch %d values for %d rows of %d features", len(x), rows, e.features))
	}
	dst = nn.Grow(dst, rows*e.words)[:rows*e.words]
	if rows == 0 {
		return dst
	}
	ws.a = nn.Grow(ws.a, rows*e.maxWidth)
	ws.b = nn.Grow(ws.b, rows*e.maxWidth)
	in := blas32.General{Rows: rows, Cols: e.features, Stride: e.features, Data: x}
	for i, l := range e.layers {
		buf := ws.a
		if i%2 == 1 {
			buf = ws.b
		}
		out := blas32.General{Rows: rows, Cols: l.out, Stride: l.out, Data: buf[:rows*l.out]}
		for r := range rows {
			copy(out.Data[r*l.out:(r+1)*l.out], l.b)
		}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, in,
			blas32.General{Rows: l.in, Cols: l.out, Stride: l.out, Data: l.w}, 1, out)
		if i < len(e.layers)-1 {
			nn.Rectify(out.Data)
		}
		in = out
	}
	for r := range rows {
		packSigns(in.Data[r*e.bits:(r+1)*e.bits], dst[r*e.words:(r+1)*e.words])
	}
	return dst
}

// packSigns sets bit i of dst when z[i] >= 0 and clears the others,
// including the unused high bits of the last word.
func packSigns(z []float32, dst []uint64) {
	clear(dst)
	for i, v := range z {
		if v >= 0 {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}

// EncodeRows returns the packed codes of rows rows of x (row-major), in
// chunks of 512 rows through EncodeBatch.
func (e *Encoder) EncodeRows(x []float32, rows int) []uint64 {
	const chunk = 512
	out := make([]uint64, rows*e.words)
	var ws Workspace
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		e.EncodeBatch(x[lo*e.features:hi*e.features], hi-lo, out[lo*e.words:hi*e.words], &ws)
	}
	return out
}
