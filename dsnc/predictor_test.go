package dsnc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/concurrent"
)

// trainedSmall returns a quickly trained model with codes of the given
// length, and its training and test sets.
func trainedSmall(t testing.TB, nbits int) (*Model, *labelcode.Dataset, *labelcode.Dataset) {
	t.Helper()
	d, _ := latentCodes(t, 40, 15, 24, 10, 0.8, 6)
	tr, _, te, err := d.Split(0, 0.25, 6)
	require.NoError(t, err)
	m, _, err := fit(context.Background(), tr, nil, WithBits(nbits), WithHidden(20), WithEpochs(6),
		WithBatchSize(64), WithLearningRate(0.01), WithSeed(6))
	require.NoError(t, err)
	return m, tr, te
}

// refLinear returns the best class by float64 scores B + W·b and the gap to
// the runner-up.
func refLinear(t *testing.T, m *Model, code []uint64) (int, float64) {
	w, b := f64(m.Decoder.W), f64(m.Decoder.B)
	k := m.Config.Classes
	// The training decoder's own form: bit values b in {0, 1}, or 2b − 1
	// for a Symmetric model (not the folded weights the predictor uses).
	s := append([]float64(nil), b...)
	for i := 0; i < m.Config.Bits; i++ {
		v := float64(code[i/64] >> (i % 64) & 1)
		if m.Config.Symmetric {
			v = 2*v - 1
		}
		if v == 0 {
			continue
		}
		for j := range s {
			s[j] += v * w[i*k+j]
		}
	}
	best, second := 0, math.Inf(-1)
	for j := 1; j < k; j++ {
		if s[j] > s[best] {
			best, second = j, s[best]
		} else if s[j] > second {
			second = s[j]
		}
	}
	return best, s[best] - second
}

// refNearest returns the label of the nearest training code by brute force
// (ties: the first code).
func refNearest(m *Model, code []uint64) int {
	w := hamming.Words(m.Config.Bits)
	best, bestD := 0, math.MaxInt
	for i := range m.CodeLabels {
		if d := hamming.Distance(code, m.Codes[i*w:(i+1)*w]); d < bestD {
			best, bestD = i, d
		}
	}
	return m.CodeLabels[best]
}

func TestPredictMatchesReference(t *testing.T) {
	for _, nbits := range []int{16, 70} {
		m, _, te := trainedSmall(t, nbits)
		kinds := []Decoding{{Kind: LinearDecoding}, {Kind: NearestDecoding}, {Kind: NearestDecoding, Neighbors: 3}}
		if nbits <= MaxTableBits {
			kinds = append(kinds, Decoding{Kind: TableDecoding}, Decoding{Kind: TableDecoding, TableOf: NearestDecoding})
		}
		for _, dec := range kinds {
			p, err := predictorOf(m, dec)
			require.NoError(t, err)
			batch, err := p.PredictBatch(te.X, te.Len(), nil)
			require.NoError(t, err)
			var code []uint64
			checked := 0
			for r := 0; r < te.Len(); r++ {
				y, err := p.Predict(te.Row(r))
				require.NoError(t, err)
				require.Equal(t, batch[r], y, "%v row %d: Predict and PredictBatch", dec, r)
				code, err = p.Code(te.Row(r), code)
				require.NoError(t, err)
				isLinear := dec.Kind == LinearDecoding || (dec.Kind == TableDecoding && dec.TableOf == LinearDecoding)
				switch {
				case isLinear:
					want, gap := refLinear(t, m, code)
					if gap > 1e-4 {
						require.Equal(t, want, y, "linear row %d", r)
						checked++
					}
				case dec.Neighbors <= 1:
					require.Equal(t, refNearest(m, code), y, "%v row %d", dec, r)
					checked++
				}
			}
			if dec.Neighbors <= 1 {
				require.Greater(t, checked, te.Len()*9/10)
			}
			acc, err := p.Accuracy(te)
			require.NoError(t, err)
			t.Logf("bits %d %+v: accuracy %.3f", nbits, dec, acc)
		}
	}
}

func TestNearestVotes(t *testing.T) {
	// three codes at distances 0, 1, 1 with labels 5, 7, 7: 1-NN says 5,
	// 3-NN says 7; with a 2-2 split the nearer first vote wins.
	m, err := newModel(Config{Features: 2, Bits: 8, Classes: 9}, 1)
	require.NoError(t, err)
	m.Codes = []uint64{0b0000, 0b0001, 0b0010, 0b0100}
	m.CodeLabels = []int{5, 7, 7, 3}
	var s scratch
	l1, err := newLabeler(m, Decoding{Kind: NearestDecoding})
	require.NoError(t, err)
	require.Equal(t, 5, first(l1.Label([]uint64{0}, &s)))
	l3, err := newLabeler(m, Decoding{Kind: NearestDecoding, Neighbors: 3})
	require.NoError(t, err)
	require.Equal(t, 7, first(l3.Label([]uint64{0}, &s)))
	m.CodeLabels = []int{5, 7, 5, 7}
	l4, err := newLabeler(m, Decoding{Kind: NearestDecoding, Neighbors: 4})
	require.NoError(t, err)
	require.Equal(t, 5, first(l4.Label([]uint64{0}, &s)))
}

// requireSameBatch requires got to predict d's rows as want does.
func requireSameBatch(t *testing.T, want, got interface {
	PredictBatch([]float32, int, []int) ([]int, error)
}, d *labelcode.Dataset) {
	t.Helper()
	w, err := want.PredictBatch(d.X, d.Len(), nil)
	require.NoError(t, err)
	g, err := got.PredictBatch(d.X, d.Len(), nil)
	require.NoError(t, err)
	require.Equal(t, w, g)
}

func TestPredictConcurrent(t *testing.T) {
	m, _, te := trainedSmall(t, 20)
	for _, dec := range []Decoding{{Kind: LinearDecoding}, {Kind: NearestDecoding}, {Kind: TableDecoding}, {Kind: TableDecoding, TableOf: NearestDecoding}} {
		p, err := predictorOf(m, dec)
		require.NoError(t, err)
		want, err := p.PredictBatch(te.X, te.Len(), nil)
		require.NoError(t, err)
		concurrent.Check(t, 8, func(g int) error {
			var dst []int
			for it := 0; it < 3; it++ {
				if g%2 == 0 {
					for r := 0; r < te.Len(); r++ {
						y, err := p.Predict(te.Row(r))
						if err != nil || y != want[r] {
							return fmt.Errorf("%v: Predict differs under concurrency", dec.Kind)
						}
					}
					continue
				}
				var err error
				if dst, err = p.PredictBatch(te.X, te.Len(), dst); err != nil {
					return fmt.Errorf("%v: %w", dec.Kind, err)
				}
				if !slices.Equal(dst, want) {
					return fmt.Errorf("%v: PredictBatch differs under concurrency", dec.Kind)
				}
			}
			return nil
		})
	}
}

func TestPredictAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m, _, te := trainedSmall(t, 20)
	for _, dec := range []Decoding{{Kind: LinearDecoding}, {Kind: NearestDecoding}, {Kind: NearestDecoding, Neighbors: 5},
		{Kind: TableDecoding}, {Kind: TableDecoding, TableOf: NearestDecoding}} {
		p, err := predictorOf(m, dec)
		require.NoError(t, err)
		x := te.Row(1)
		_, _ = p.Predict(x)
		require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = p.Predict(x) }), "%v", dec)
		var code []uint64
		code, _ = p.Code(x, code)
		require.Zero(t, testing.AllocsPerRun(100, func() { code, _ = p.Code(x, code) }), "%v", dec)
		if dec.Kind == LinearDecoding {
			top := make([]decode.Scored, 0, 5)
			top, _ = p.TopK(x, 5, top)
			require.Zero(t, testing.AllocsPerRun(100, func() { top, _ = p.TopK(x, 5, top) }), "TopK")
		}
	}
}

// TestTopK checks TopK and TopKAccuracy against Predict and Accuracy, and
// that the decoders without scores refuse them.
func TestTopK(t *testing.T) {
	m, tr, te := trainedSmall(t, 20)
	require.Equal(t, LinearDecoding, m.Decoding().Kind)
	var top []decode.Scored
	var err error
	hits := 0
	for r := 0; r < te.Len(); r++ {
		top, err = m.TopK(te.Row(r), 3, top)
		require.NoError(t, err)
		require.Len(t, top, 3)
		y, err := m.Predict(te.Row(r))
		require.NoError(t, err)
		require.Equal(t, y, top[0].Label)
		require.GreaterOrEqual(t, top[0].Score, top[1].Score)
		require.GreaterOrEqual(t, top[1].Score, top[2].Score)
		for _, s := range top {
			if s.Label == te.Y[r] {
				hits++
			}
		}
	}
	acc3, err := m.TopKAccuracy(te, 3)
	require.NoError(t, err)
	require.Equal(t, float64(hits)/float64(te.Len()), acc3)
	acc1, err := m.TopKAccuracy(te, 1)
	require.NoError(t, err)
	acc, err := m.Accuracy(te)
	require.NoError(t, err)
	require.Equal(t, acc, acc1)
	require.GreaterOrEqual(t, acc3, acc1)
	top, err = m.TopK(te.Row(0), 1000, top)
	require.NoError(t, err)
	require.Len(t, top, tr.Classes, "k is capped at Classes")
	_, err = m.TopKAccuracy(te, 0)
	require.ErrorIs(t, err, ErrConfig)

	for _, dec := range []Decoding{{Kind: NearestDecoding}, {Kind: TableDecoding}} {
		p := m.Clone()
		require.NoError(t, p.SetDecoder(dec))
		require.Equal(t, dec, p.Decoding())
		_, err = p.TopK(te.Row(0), 2, nil)
		require.ErrorIs(t, err, ErrUnsupported, "%v", dec)
		_, err = p.TopKAccuracy(te, 2)
		require.ErrorIs(t, err, ErrUnsupported, "%v", dec)
		a1, err := p.TopKAccuracy(te, 1)
		require.NoError(t, err)
		a, err := p.Accuracy(te)
		require.NoError(t, err)
		require.Equal(t, a, a1)
	}
}

// TestSetDecoder switches a trained model's decoder in place: it predicts
// as a model loaded with that decoder, and a refused decoder leaves the
// model as it was.
func TestSetDecoder(t *testing.T) {
	m, _, te := trainedSmall(t, 20)
	lin, err := m.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	data, err := m.MarshalBinary()
	require.NoError(t, err)
	for _, dec := range []Decoding{{Kind: NearestDecoding, Neighbors: 3}, {Kind: TableDecoding, TableOf: NearestDecoding}} {
		require.NoError(t, m.SetDecoder(dec))
		require.Equal(t, dec, m.Decoding())
		want, err := Unmarshal(data, WithDecoder(dec))
		require.NoError(t, err)
		a, err := m.PredictBatch(te.X, te.Len(), nil)
		require.NoError(t, err)
		b, err := want.PredictBatch(te.X, te.Len(), nil)
		require.NoError(t, err)
		require.Equal(t, b, a, "%v", dec)
	}
	require.NoError(t, m.SetDecoder(Decoding{}))
	got, err := m.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	require.Equal(t, lin, got)
	require.ErrorIs(t, m.SetDecoder(Decoding{Kind: 7}), ErrConfig)
	m.Codes, m.CodeLabels = nil, nil
	require.ErrorIs(t, m.SetDecoder(Decoding{Kind: NearestDecoding}), ErrNotFitted)
	require.Equal(t, Decoding{}, m.Decoding(), "kept after an error")
	got, err = m.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	require.Equal(t, lin, got)
}

func TestPredictErrors(t *testing.T) {
	m, err := newModel(Config{Features: 3, Bits: 30, Classes: 4}, 1)
	require.NoError(t, err)
	_, err = predictorOf(m, Decoding{Kind: NearestDecoding})
	require.True(t, errors.Is(err, ErrNotFitted), "%v", err)
	_, err = predictorOf(m, Decoding{Kind: TableDecoding, TableOf: NearestDecoding})
	require.True(t, errors.Is(err, ErrNotFitted), "%v", err)
	_, err = predictorOf(m, Decoding{Kind: TableDecoding, TableOf: TableDecoding})
	require.True(t, errors.Is(err, ErrConfig), "%v", err)
	m.Codes, m.CodeLabels = []uint64{1}, []int{2}
	_, err = predictorOf(m, Decoding{Kind: TableDecoding})
	require.True(t, errors.Is(err, ErrConfig), "%v", err)
	_, err = predictorOf(m, Decoding{Kind: 9})
	require.True(t, errors.Is(err, ErrConfig), "%v", err)
	_, err = predictorOf(m, Decoding{Kind: NearestDecoding, Neighbors: -1})
	require.True(t, errors.Is(err, ErrConfig), "%v", err)
	m.Codes = []uint64{1 << 40} // beyond 30 bits
	_, err = predictorOf(m, Decoding{Kind: NearestDecoding})
	require.True(t, errors.Is(err, ErrShape), "%v", err)
	m.Codes = []uint64{1}
	p, err := predictorOf(m, Decoding{Kind: NearestDecoding})
	require.NoError(t, err)
	_, err = p.Predict([]float32{1, 2})
	require.True(t, errors.Is(err, ErrInput))
	_, err = p.Predict([]float32{1, float32(math.NaN()), 2})
	require.True(t, errors.Is(err, ErrInput))
	_, err = p.Predict([]float32{1, float32(math.Inf(-1)), 2})
	require.True(t, errors.Is(err, ErrInput))
	_, err = p.PredictBatch([]float32{1, 2, 3, 4, 5, float32(math.NaN())}, 2, nil)
	require.True(t, errors.Is(err, ErrInput))
	require.Contains(t, err.Error(), "row 1")
	y, err := p.Predict([]float32{1, 2, 3})
	require.NoError(t, err)
	require.Equal(t, 2, y)
	require.Equal(t, "table", TableDecoding.String())
}

func first(y int, err error) int {
	if err != nil {
		panic(err)
	}
	return y
}
