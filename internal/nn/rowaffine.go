package nn

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// RowScratch holds the per-call lists of RowAffine, so that repeated calls
// allocate nothing. The zero value is ready to use; a RowScratch must not
// be shared by goroutines that call at the same time.
type RowScratch struct {
	idx []int32
	xv  []float32
}

// rowBlock is the column block (floats) over which the kernel accumulates
// y while streaming the rows of W: 8 KiB, so the block stays in L1.
const rowBlock = 2048

// RowAffine sets y = b + x·W for one example x (length in), W an in×out
// row-major matrix (len(w) >= in·out), b of length out or nil (zero), and
// y of length out, and returns y. Rows of W whose x entry is zero (the
// zeros of a ReLU layer) are skipped, so a sparse x reads less of W. With
// AVX2 and FMA it streams the rows of W through an assembly kernel, eight
// at a time, into blocks of y that stay in L1; for out >= 8 every y[j] is
// then b[j] followed by one fused multiply-add per nonzero x[i] in the
// order of i, whatever the grouping. It runs on the caller's goroutine:
// the cost is reading W once (2 MB for 1024×512, about 25 µs here), and
// handing half of the columns to a second goroutine was measured slower
// on this shared 2-core machine whenever the other core was busy (see
// bench/README.md). Without FMA it calls gonum's BLAS (blas32.Gemv). It
// allocates nothing once s has grown.
func RowAffine(y, x, w, b []float32, s *RowScratch) []float32 {
	in, out := len(x), len(y)
	if len(w) < in*out || (b != nil && len(b) != out) {
		panic("nn: RowAffine: W or b does not fit x and y")
	}
	if !haveFMA {
		if b != nil {
			copy(y, b)
		} else {
			clear(y)
		}
		if in > 0 && out > 0 {
			blas32.Gemv(blas.Trans, 1, blas32.General{Rows: in, Cols: out, Stride: out, Data: w[:in*out]},
				blas32.Vector{N: in, Inc: 1, Data: x}, 1, blas32.Vector{N: out, Inc: 1, Data: y})
		}
		return y
	}
	idx, xv := s.gather(x)
	return affineRows(y, w, b, idx, xv)
}

// gather lists the nonzero entries of x (their indices and values, NaNs
// included) in s and returns the lists. It has no branch on the values, so
// the zeros of a ReLU layer, about half of them at random places, cost no
// mispredictions.
func (s *RowScratch) gather(x []float32) ([]int32, []float32) {
	if cap(s.idx) < len(x) {
		s.idx = make([]int32, len(x))
		s.xv = make([]float32, len(x))
	}
	idx, xv := s.idx[:len(x)], s.xv[:len(x)]
	n := 0
	for i, v := range x {
		idx[n] = int32(i)
		xv[n] = v
		// 1 unless v is ±0: the magnitude bits plus 2^31-1 carry into
		// bit 31 exactly when they are not all zero.
		n += int((math.Float32bits(v)&0x7fffffff + 0x7fffffff) >> 31)
	}
	return idx[:n], xv[:n]
}

// affineRows sets y = b + Σ_t xv[t]·W[idx[t]] (b nil: zero), the rows of W
// being len(y) wide and contiguous, and returns y.
func affineRows(y, w, b []float32, idx []int32, xv []float32) []float32 {
	if b != nil {
		copy(y, b)
	} else {
		clear(y)
	}
	sumRows(y, w, len(y), idx, xv)
	return y
}

// SumRows adds Σ_t xv[t]·W[idx[t]] to y, where W[i] is the row
// w[i·stride : i·stride+len(y)]; xv nil means weights of 1 (the rows of
// the set bits of a binary code). Rows are added in the order of idx:
// with FMA and len(y) >= 8, each y[j] gets one fused multiply-add per row,
// in that order, so that the result does not depend on how the kernel
// groups rows or blocks columns. Like RowAffine it uses the AVX2/FMA
// kernel and blocks y for L1; it allocates nothing, except a slice of
// ones when xv is nil and len(idx) > 4096. It panics if a row
// reaches past w or len(xv) is not len(idx).
func SumRows(y, w []float32, stride int, idx []int32, xv []float32) {
	for _, i := range idx {
		if i < 0 || int(i)*stride+len(y) > len(w) {
			panic("nn: SumRows: row outside W")
		}
	}
	if xv == nil {
		xv = ones(len(idx))
	}
	if len(xv) != len(idx) {
		panic("nn: SumRows: len(xv) != len(idx)")
	}
	sumRows(y, w, stride, idx, xv)
}

func sumRows(y, w []float32, stride int, idx []int32, xv []float32) {
	out, k := len(y), len(idx)
	if k == 0 || out == 0 {
		return
	}
	if !haveFMA {
		for t, i := range idx {
			row := w[int(i)*stride : int(i)*stride+out]
			blas32.Axpy(xv[t], blas32.Vector{N: out, Inc: 1, Data: row}, blas32.Vector{N: out, Inc: 1, Data: y})
		}
		return
	}
	if out < 8 {
		for j := range y {
			acc := y[j]
			for r, i := range idx {
				acc += xv[r] * w[int(i)*stride+j]
			}
			y[j] = acc
		}
		return
	}
	for c := 0; c < out; {
		// The last block takes the rest when fewer than eight columns
		// would be left after this one: the kernel needs at least eight.
		e := c + rowBlock
		if e > out-8 {
			e = out
		}
		gaxpyAVX2(&y[c], e-c, &w[c], stride, &idx[0], &xv[0], k)
		c = e
	}
}

// ones returns a read-only slice of n ones.
func ones(n int) []float32 {
	if n > len(oneSlice) {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	return oneSlice[:n]
}

var oneSlice = func() []float32 {
	v := make([]float32, 4096)
	for i := range v {
		v[i] = 1
	}
	return v
}()
