package nn

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/labelcode/labelcode/internal/limits"
)

// Workspace holds the hidden activations of a forward pass, so that repeated
// calls allocate nothing. A Workspace must not be used by two goroutines at
// once; give each goroutine its own, or pass nil to borrow one from a pool.
// The zero value is ready to use.
type Workspace struct {
	a, b []float32
	rows RowScratch
}

var wsPool = sync.Pool{New: func() any { return new(Workspace) }}

// Grow returns s resliced to length n, or a new zeroed slice of length n
// when s is too short.
func Grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Forward evaluates the network on one example x (len Spec.Inputs) and
// writes the log-probabilities of every head, concatenated in head order
// (length Spec.Outputs()), into dst, which is grown when too short and
// returned. ws may be nil (a pooled workspace is used). With a dst of
// sufficient capacity it allocates nothing. It panics if len(x) is not
// Spec.Inputs.
//
// Cost: one matrix-vector product per layer (RowAffine: the rows of W
// that meet a zero input are skipped; the heads share one list of their
// input's nonzero entries), O(Params()), plus one exp per output, all on
// the caller's goroutine.
func (n *Net) Forward(x []float32, ws *Workspace, dst []float32) []float32 {
	return n.forward(x, ws, dst, true)
}

// ForwardLinear is Forward without the log-softmax: it writes the heads'
// affine outputs x·W + B (the logits, or a DSNC code layer's
// pre-activations), with the same arithmetic and cost.
func (n *Net) ForwardLinear(x []float32, ws *Workspace, dst []float32) []float32 {
	return n.forward(x, ws, dst, false)
}

func (n *Net) forward(x []float32, ws *Workspace, dst []float32, logSoftmax bool) []float32 {
	if len(x) != n.Spec.Inputs {
		panic("nn: Forward: input length does not match Spec.Inputs")
	}
	if ws == nil {
		ws = wsPool.Get().(*Workspace)
		defer wsPool.Put(ws)
	}
	dst = Grow(dst, n.Spec.Outputs())
	cur := x
	for i := range n.Hidden {
		l := &n.Hidden[i]
		var out []float32
		if i%2 == 0 {
			ws.a = Grow(ws.a, l.Out)
			out = ws.a
		} else {
			ws.b = Grow(ws.b, l.Out)
			out = ws.b
		}
		RowAffine(out, cur, l.W, l.B, &ws.rows)
		Rectify(out)
		cur = out
	}
	// The heads share their input: its nonzero entries are listed once.
	var idx []int32
	var xv []float32
	if haveFMA {
		idx, xv = ws.rows.gather(cur)
	}
	off := 0
	for i := range n.Heads {
		l := &n.Heads[i]
		out := dst[off : off+l.Out]
		if haveFMA {
			affineRows(out, l.W, l.B, idx, xv)
		} else {
			RowAffine(out, cur, l.W, l.B, &ws.rows)
		}
		if logSoftmax {
			LogSoftmax(out)
		}
		off += l.Out
	}
	return dst
}

// ForwardBatch evaluates the network on rows examples stored row-major in x
// (len rows·Spec.Inputs) and writes the log-probabilities of every head,
// row-major with Spec.Outputs() values per row (heads concatenated in each
// row), into dst, which is grown when too short and returned. ws may be nil.
// With a warm workspace and a dst of sufficient capacity it allocates
// nothing. It panics if len(x) is not rows·Spec.Inputs.
//
// Cost: one matrix product per layer (gonum BLAS, which runs large products
// on all cores), O(rows·Params()).
func (n *Net) ForwardBatch(x []float32, rows int, ws *Workspace, dst []float32) []float32 {
	return n.forwardBatch(x, rows, ws, dst, true)
}

// ForwardBatchLinear is ForwardBatch without the log-softmax: the heads'
// affine outputs, row-major, with the same arithmetic and cost.
func (n *Net) ForwardBatchLinear(x []float32, rows int, ws *Workspace, dst []float32) []float32 {
	return n.forwardBatch(x, rows, ws, dst, false)
}

func (n *Net) forwardBatch(x []float32, rows int, ws *Workspace, dst []float32, logSoftmax bool) []float32 {
	if size, ok := limits.Mul(rows, n.Spec.Inputs); !ok || len(x) != size {
		panic("nn: ForwardBatch: input length does not match rows×Spec.Inputs")
	}
	outs := n.Spec.Outputs()
	dst = Grow(dst, rows*outs)
	if rows == 0 {
		return dst
	}
	if ws == nil {
		ws = wsPool.Get().(*Workspace)
		defer wsPool.Put(ws)
	}
	cur := blas32.General{Rows: rows, Cols: n.Spec.Inputs, Stride: n.Spec.Inputs, Data: x}
	for i := range n.Hidden {
		l := &n.Hidden[i]
		var buf []float32
		if i%2 == 0 {
			ws.a = Grow(ws.a, rows*l.Out)
			buf = ws.a
		} else {
			ws.b = Grow(ws.b, rows*l.Out)
			buf = ws.b
		}
		out := blas32.General{Rows: rows, Cols: l.Out, Stride: l.Out, Data: buf}
		gemm(l, cur, out)
		Rectify(buf)
		cur = out
	}
	off := 0
	for i := range n.Heads {
		l := &n.Heads[i]
		out := blas32.General{Rows: rows, Cols: l.Out, Stride: outs, Data: dst[off:]}
		gemm(l, cur, out)
		for r := 0; logSoftmax && r < rows; r++ {
			LogSoftmax(dst[r*outs+off : r*outs+off+l.Out])
		}
		off += l.Out
	}
	return dst
}

// gemm sets out = x·W + B (B added to every row).
func gemm(l *Dense, x, out blas32.General) {
	for r := 0; r < out.Rows; r++ {
		copy(out.Data[r*out.Stride:r*out.Stride+out.Cols], l.B)
	}
	w := blas32.General{Rows: l.In, Cols: l.Out, Stride: l.Out, Data: l.W}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, x, w, 1, out)
}

// LogSoftmax replaces v by its log-softmax, v_j - log Σ_k exp(v_k), computed
// stably (shifted by the maximum, summed in float64). A one-element v
// becomes 0. Cost: one exp and one add per element (eight at a time with
// AVX2).
func LogSoftmax(v []float32) {
	if len(v) == 0 {
		return
	}
	m := Max32(v)
	var buf [512]float32
	var s float64
	for lo := 0; lo < len(v); lo += len(buf) {
		hi := min(lo+len(buf), len(v))
		s += ExpShiftSum32(buf[:hi-lo], v[lo:hi], m)
	}
	shift := m + float32(math.Log(s))
	for i := range v {
		v[i] -= shift
	}
}
