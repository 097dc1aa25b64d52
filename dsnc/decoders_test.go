package dsnc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// The core's decoders, reached through dsnc's model type, for the
// decoder tests of this package.

// scratch is one goroutine's decoder buffers (the core's).
type scratch = dsnccore.Scratch

// newLabeler returns the core's decoder dec for m.
func newLabeler(m *Model, dec Decoding) (dsnccore.Labeler, error) {
	return dsnccore.NewLabeler(m.core(), dec.core())
}

// newLinearLabeler returns the core's float32 linear decoder for m.
func newLinearLabeler(m *Model) *dsnccore.LinearLabeler { return dsnccore.NewLinearLabeler(m.core()) }

// TestLinearLabelerCrossCheck checks the float32 linear decoder, in both
// of its forms (the set bits' rows added to B, or the clear bits' rows
// subtracted from B + Σ W), against float64 scores: every score within
// float32 rounding, and the label equal to the float64 arg-max unless the
// two best float64 scores are closer than that rounding. Code lengths
// around the word boundary, popcounts around the switch between the forms.
func TestLinearLabelerCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, nbits := range []int{1, 2, 63, 64, 65, 70} {
		const classes = 300
		m, err := newModel(Config{Features: 3, Bits: nbits, Classes: classes}, uint64(nbits))
		require.NoError(t, err)
		for i, v := range m.Decoder.B {
			m.Decoder.B[i] = v + float32(rng.NormFloat64())
		}
		w, b := m.Decoder.W, m.Decoder.B
		l := newLinearLabeler(m)
		var s scratch
		code := make([]uint64, hamming.Words(nbits))
		for _, pop := range []int{0, 1, nbits/2 - 1, nbits / 2, nbits/2 + 1, nbits - 1, nbits} {
			if pop < 0 || pop > nbits {
				continue
			}
			for rep := 0; rep < 5; rep++ {
				clear(code)
				for _, i := range rng.Perm(nbits)[:pop] {
					code[i/64] |= 1 << (i % 64)
				}
				got, err := l.Label(code, &s)
				require.NoError(t, err)
				scores := l.Scores(code, &s)
				ref := make([]float64, classes)
				scale := make([]float64, classes) // Σ |terms|, for the rounding bound
				for j := range ref {
					ref[j], scale[j] = float64(b[j]), math.Abs(float64(b[j]))
				}
				for i := 0; i < nbits; i++ {
					if code[i/64]>>(i%64)&1 == 1 {
						for j := range ref {
							ref[j] += float64(w[i*classes+j])
							scale[j] += math.Abs(float64(w[i*classes+j]))
						}
					}
				}
				// All the weights count in the bound: the complement form
				// rounds B + Σ W and subtracts the clear bits' rows.
				for j := range scale {
					for i := 0; i < nbits; i++ {
						scale[j] += math.Abs(float64(w[i*classes+j]))
					}
				}
				best, tol := 0, 0.0
				for j := range ref {
					e := float64(nbits+2) * 0x1p-24 * scale[j]
					require.InDelta(t, ref[j], float64(scores[j]), e, "bits %d popcount %d class %d", nbits, pop, j)
					tol = max(tol, e)
					if ref[j] > ref[best] {
						best = j
					}
				}
				second := math.Inf(-1)
				for j, v := range ref {
					if j != best {
						second = max(second, v)
					}
				}
				if ref[best]-second > 2*tol {
					require.Equal(t, best, got, "bits %d popcount %d", nbits, pop)
				}
			}
		}
	}
}

// TestLinearLabelerTies checks the tie rule (the smallest class) in both
// forms: classes with equal weights and biases score the same bits either
// way.
func TestLinearLabelerTies(t *testing.T) {
	for _, nbits := range []int{1, 64, 65} {
		m, err := newModel(Config{Features: 3, Bits: nbits, Classes: 10}, 1)
		require.NoError(t, err)
		w := m.Decoder.W
		b := m.Decoder.B
		for i := 0; i < nbits; i++ {
			row := w[i*10 : (i+1)*10]
			for j := range row {
				row[j] = -1
			}
			row[3], row[7] = 0.5, 0.5
		}
		b[3], b[7] = 0.25, 0.25
		l := newLinearLabeler(m)
		var s scratch
		code := make([]uint64, hamming.Words(nbits))
		for pop := 0; pop <= nbits; pop++ {
			clear(code)
			for i := 0; i < pop; i++ {
				code[i/64] |= 1 << (i % 64)
			}
			got, err := l.Label(code, &s)
			require.NoError(t, err)
			require.Equal(t, 3, got, "bits %d popcount %d", nbits, pop)
		}
	}
}

// TestLinearLabelerAllocs checks that both forms of the linear decoder
// allocate nothing once the scratch has grown.
func TestLinearLabelerAllocs(t *testing.T) {
	m, err := newModel(Config{Features: 3, Bits: 70, Classes: 500}, 1)
	require.NoError(t, err)
	l := newLinearLabeler(m)
	var s scratch
	few := []uint64{0b1011, 0}
	most := []uint64{^uint64(0), 0b0111}
	for _, code := range [][]uint64{few, most} {
		_, err := l.Label(code, &s)
		require.NoError(t, err)
		require.Zero(t, testing.AllocsPerRun(50, func() { _, _ = l.Label(code, &s) }))
	}
}
