package dsnccore

import (
	"fmt"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
)

// Encoder is a Model's encoder without the graph: the trunk and the code
// layer as an nn.Net (hidden ReLU layers, then one head of Bits outputs),
// evaluated by the network's own forward pass (nn.Net.ForwardLinear: one
// row through the AVX2 row kernel, the rows of W of zero inputs skipped; a
// batch through gonum BLAS), the code layer's pre-activations thresholded
// to packed bits (bit i of a code is bit i%64 of word i/64; the sigmoid is
// skipped because σ(z) >= 0.5 exactly when z >= 0). It is read-only after
// NewEncoder and safe for concurrent use; each goroutine passes its own
// Workspace.
type Encoder struct {
	net      *nn.Net
	features int
	bits     int
	words    int
}

// Workspace holds the scratch buffers of one goroutine's encoder calls, so
// that encoding allocates nothing once the buffers have grown. The zero
// value is ready to use; a Workspace must not be shared by goroutines.
type Workspace struct {
	nn nn.Workspace
	z  []float32
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
	net := &nn.Net{Spec: nn.Spec{Inputs: m.Config.Features, Heads: []int{m.Config.Bits}}}
	for i, l := range m.Encoder {
		w, b := l.Float32()
		d := nn.Dense{In: l.In, Out: l.Out, W: w, B: b}
		if i < len(m.Encoder)-1 {
			net.Spec.Hidden = append(net.Spec.Hidden, l.Out)
			net.Hidden = append(net.Hidden, d)
		} else {
			net.Heads = []nn.Dense{d}
		}
	}
	e.net = net
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
	ws.z = e.net.ForwardLinear(x, &ws.nn, ws.z)
	dst = nn.Grow(dst, e.words)[:e.words]
	packSigns(ws.z, dst)
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
	ws.z = e.net.ForwardBatchLinear(x, rows, &ws.nn, ws.z)
	for r := range rows {
		packSigns(ws.z[r*e.bits:(r+1)*e.bits], dst[r*e.words:(r+1)*e.words])
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
