package nn

import (
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
// AVX2 and FMA it streams the rows of W through an assembly kernel, four
// at a time, into blocks of y that stay in L1, on the caller's goroutine
// (measured here: handing half the columns to a second goroutine cost
// more than it saved, from 5·10^5 to 10^7 multiply-adds); elsewhere it
// calls gonum's BLAS (blas32.Gemv). It allocates nothing once s has grown.
func RowAffine(y, x, w, b []float32, s *RowScratch) []float32 {
	in, out := len(x), len(y)
	if len(w) < in*out || (b != nil && len(b) != out) {
		panic("nn: RowAffine: W or b does not fit x and y")
	}
	if b != nil {
		copy(y, b)
	} else {
		clear(y)
	}
	if in == 0 || out == 0 {
		return y
	}
	if !haveFMA {
		blas32.Gemv(blas.Trans, 1, blas32.General{Rows: in, Cols: out, Stride: out, Data: w[:in*out]},
			blas32.Vector{N: in, Inc: 1, Data: x}, 1, blas32.Vector{N: out, Inc: 1, Data: y})
		return y
	}
	if cap(s.idx) < in {
		s.idx = make([]int32, in)
		s.xv = make([]float32, in)
	}
	idx, xv := s.idx[:0], s.xv[:0]
	for i, v := range x {
		if v != 0 {
			idx = append(idx, int32(i))
			xv = append(xv, v)
		}
	}
	sumRows(y, w, out, idx, xv)
	return y
}

// SumRows adds Σ_t xv[t]·W[idx[t]] to y, where W[i] is the row
// w[i·stride : i·stride+len(y)]; xv nil means weights of 1 (the rows of
// the set bits of a binary code). Rows are added in the order of idx.
// Like RowAffine it uses the AVX2/FMA kernel and blocks y for L1; it
// allocates nothing. It panics if a row reaches past w or len(xv) is not
// len(idx).
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
	for c := 0; c < out; c += rowBlock {
		e := min(c+rowBlock, out)
		n := (e - c) &^ 7
		if n > 0 {
			gaxpyAVX2(&y[c], n, &w[c], stride, &idx[0], &xv[0], k)
		}
		for j := c + n; j < e; j++ {
			acc := y[j]
			for r, i := range idx {
				acc += xv[r] * w[int(i)*stride+j]
			}
			y[j] = acc
		}
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
