package dsnc

import (
	"fmt"
	"slices"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// Encoder is a Model's encoder without the graph: float32 weights, one
// row through nn.RowAffine (an AVX2 kernel streaming the rows of W, the
// ones of zero inputs skipped), a batch through gonum BLAS matrix
// products, thresholding the code layer to packed bits (bit i of a code is
// bit i%64 of word i/64; the sigmoid is skipped because σ(z) >= 0.5 exactly
// when z >= 0). It is read-only after NewEncoder and safe for concurrent use;
// each goroutine passes its own Workspace. It wraps the graph-free core's
// encoder (internal/dsnccore), which package infer serves.
type Encoder struct{ e *dsnccore.Encoder }

// Workspace holds the scratch buffers of one goroutine's encoder calls, so
// that encoding allocates nothing once the buffers have grown. The zero
// value is ready to use; a Workspace must not be shared by goroutines.
type Workspace struct{ ws dsnccore.Workspace }

// NewEncoder copies m's encoder weights for graph-free encoding. It returns ErrConfig for a nil m or
// an invalid m.Config, and ErrShape or ErrNonFinite when m is inconsistent.
func NewEncoder(m *Model) (*Encoder, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	e, err := dsnccore.NewEncoder(m.core())
	if err != nil {
		return nil, err
	}
	return &Encoder{e}, nil
}

// Features returns the input width.
func (e *Encoder) Features() int { return e.e.Features() }

// Bits returns the code length.
func (e *Encoder) Bits() int { return e.e.Bits() }

// Words returns the uint64 words of one packed code.
func (e *Encoder) Words() int { return e.e.Words() }

// Encode writes the threshold code of one row x into dst[:Words()] and
// returns it; dst is grown if too short. It allocates nothing when dst and
// ws are large enough (after the first call). Cost O(Σ In·Out) flops.
// It panics if len(x) != Features().
func (e *Encoder) Encode(x []float32, dst []uint64, ws *Workspace) []uint64 {
	return e.e.Encode(x, dst, &ws.ws)
}

// EncodeBatch writes the codes of rows rows of x (row-major, rows×Features)
// into dst[:rows·Words()] and returns it, with one matrix product per
// layer. It allocates nothing once dst and ws are large enough. It panics
// if len(x) != rows·Features().
func (e *Encoder) EncodeBatch(x []float32, rows int, dst []uint64, ws *Workspace) []uint64 {
	return e.e.EncodeBatch(x, rows, dst, &ws.ws)
}

// encodeDataset returns the packed codes of every row of d.
func (e *Encoder) encodeDataset(d *labelcode.Dataset) []uint64 { return e.e.EncodeRows(d.X, d.Len()) }

// distinctCodes returns the distinct codes among the rows' codes (words
// per code), in ascending lexicographic word order, with the most frequent
// label of each (ties: the smallest label). Cost O(N log N).
func distinctCodes(codes []uint64, labels []int, words int) ([]uint64, []int) {
	n := len(labels)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	code := func(i int) []uint64 { return codes[i*words : (i+1)*words] }
	slices.SortFunc(idx, func(a, b int) int {
		if c := slices.Compare(code(a), code(b)); c != 0 {
			return c
		}
		return labels[a] - labels[b]
	})
	var outC []uint64
	var outL []int
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && slices.Equal(code(idx[hi]), code(idx[lo])) {
			hi++
		}
		// labels are sorted within the run: find the longest run of a label
		best, bestN := labels[idx[lo]], 0
		for a := lo; a < hi; {
			b := a + 1
			for b < hi && labels[idx[b]] == labels[idx[a]] {
				b++
			}
			if b-a > bestN {
				best, bestN = labels[idx[a]], b-a
			}
			a = b
		}
		outC = append(outC, code(idx[lo])...)
		outL = append(outL, best)
		lo = hi
	}
	return outC, outL
}

// SetTrainingCodes encodes every row of d (the training set) with the
// threshold encoder and stores the distinct codes and their majority labels
// in m.Codes and m.CodeLabels, for the nearest-neighbour and table
// decoders. Fit calls it; a custom training loop calls it after training.
// It returns ErrConfig for a nil m, ErrShape when d does not match the
// model and the errors of d.Validate. Cost O(N·Σ In·Out + N log N).
func (m *Model) SetTrainingCodes(d *labelcode.Dataset) error {
	if m == nil {
		return fmt.Errorf("%w: SetTrainingCodes on a nil model", ErrConfig)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Features != m.Config.Features || d.Classes != m.Config.Classes {
		return fmt.Errorf("%w: data %d features, %d classes; model %d, %d", ErrShape, d.Features, d.Classes, m.Config.Features, m.Config.Classes)
	}
	e, err := NewEncoder(m)
	if err != nil {
		return err
	}
	m.Codes, m.CodeLabels = distinctCodes(e.encodeDataset(d), d.Y, e.Words())
	return nil
}
