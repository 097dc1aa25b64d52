package dsnc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/hamming"
)

func weightsOf(t *testing.T, m *Model) [][]float64 {
	t.Helper()
	var out [][]float64
	for _, l := range m.layers() {
		out = append(out, floats(t, l.W), floats(t, l.B))
	}
	return out
}

// TestFitReproducible trains twice with the same seed (with the
// regulariser and a hidden layer, so every random part is exercised) and
// requires identical weights, codes and histories; another seed differs.
func TestFitReproducible(t *testing.T) {
	d := blobs(t, 20, 12, 10, 0.8, 2)
	tr, va, _, err := d.Split(0.2, 0, 2)
	require.NoError(t, err)
	fit := func(seed uint64) (*Model, *History) {
		m, h, err := Fit(context.Background(), tr, va, WithBits(12), WithHidden(16), WithEpochs(3),
			WithBatchSize(32), WithRegulariser(0.1, 0.05), WithSeed(seed), WithLearnRate(0.01))
		require.NoError(t, err)
		return m, h
	}
	a, ha := fit(7)
	b, hb := fit(7)
	c, _ := fit(8)
	require.Equal(t, weightsOf(t, a), weightsOf(t, b))
	require.Equal(t, a.Codes, b.Codes)
	require.Equal(t, a.CodeLabels, b.CodeLabels)
	for i := range ha.Epochs {
		ha.Epochs[i].Duration, hb.Epochs[i].Duration = 0, 0
	}
	require.Equal(t, ha, hb)
	require.NotEqual(t, weightsOf(t, a), weightsOf(t, c))
}

func TestFitProgressAndCancel(t *testing.T) {
	d := blobs(t, 10, 20, 6, 0.5, 3)
	var reports []Progress
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, h, err := Fit(ctx, d, nil, WithBits(8), WithEpochs(50), WithBatchSize(20), WithProgress(func(p Progress) {
		reports = append(reports, p)
		if p.Epoch == 2 && p.Batch == 3 {
			cancel()
		}
	}))
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	require.NotNil(t, m)
	require.Equal(t, "cancelled", h.Stopped)
	require.Len(t, h.Epochs, 1)
	// without validation data the current (trained) weights are returned
	init, err := NewModel(m.Config, 1)
	require.NoError(t, err)
	require.NotEqual(t, weightsOf(t, init), weightsOf(t, m))
	require.Empty(t, m.Codes)
	batches := d.Len() / 20
	// epoch 1: every batch plus its end report; epoch 2: 3 batches
	require.Len(t, reports, batches+1+3)
	require.True(t, reports[batches].EpochDone)
	require.True(t, math.IsNaN(reports[batches].ValAccuracy))
	for i, p := range reports[:batches] {
		require.Equal(t, [4]int{1, 50, i + 1, batches}, [4]int{p.Epoch, p.Epochs, p.Batch, p.Batches})
		require.False(t, p.EpochDone)
		require.False(t, math.IsNaN(p.Loss))
		require.GreaterOrEqual(t, p.Accuracy, 0.0)
		require.LessOrEqual(t, p.Accuracy, 1.0)
	}
	require.Contains(t, h.String(), "cancelled")
	ep, loss, acc, va := h.Series()
	require.Equal(t, []float64{1}, ep)
	require.Equal(t, []float64{h.Epochs[0].Loss}, loss)
	require.Equal(t, []float64{h.Epochs[0].Accuracy}, acc)
	require.Len(t, va, 1)
	require.True(t, strings.HasPrefix(h.CSV(), "epoch,loss,accuracy,val_accuracy"))
}

func TestFitEarlyStoppingKeepsBest(t *testing.T) {
	d := blobs(t, 30, 10, 8, 1.5, 5)
	tr, va, _, err := d.Split(0.3, 0, 5)
	require.NoError(t, err)
	m, h, err := Fit(context.Background(), tr, va, WithBits(10), WithEpochs(40), WithPatience(2),
		WithBatchSize(16), WithLearnRate(0.05))
	require.NoError(t, err)
	best := -1.0
	for _, e := range h.Epochs {
		best = math.Max(best, e.ValAccuracy)
	}
	require.Equal(t, best, h.Epochs[h.BestEpoch-1].ValAccuracy)
	if h.Stopped == "early stopping" {
		require.Equal(t, h.BestEpoch+2, len(h.Epochs))
	}
	// the returned weights are the best epoch's: re-measure
	acc, err := ValidationAccuracy(m, va)
	require.NoError(t, err)
	require.Equal(t, best, acc)
}

func TestFitErrors(t *testing.T) {
	d := blobs(t, 4, 10, 3, 0.5, 1)
	ctx := context.Background()
	for _, o := range []Option{WithBatchSize(1), WithEpochs(0), WithLearnRate(0), WithLearnRate(math.Inf(1)),
		WithRegulariser(-1, 0), WithRegulariser(0, math.NaN()), WithPerClass(1), WithPatience(-1), WithBits(0), WithHidden(3, -2)} {
		_, _, err := Fit(ctx, d, nil, o)
		require.True(t, errors.Is(err, ErrConfig), "%v", err)
	}
	bad := &labelcode.Dataset{X: d.X, Y: append([]int(nil), d.Y...), Features: d.Features, Classes: d.Classes}
	bad.Y[3] = 9
	_, _, err := Fit(ctx, bad, nil)
	require.True(t, errors.Is(err, labelcode.ErrLabelRange), "%v", err)
	other := blobs(t, 4, 10, 5, 0.5, 1)
	_, _, err = Fit(ctx, d, other)
	require.True(t, errors.Is(err, ErrShape), "%v", err)
	// a diverging learning rate is reported, not hidden: steps of 1e38 make
	// the decoder's scores overflow float32 after the first batch (with
	// steps of 1e30 the scores reach only ~1e31, which a max-shifted
	// softmax handles exactly)
	huge := blobs(t, 4, 10, 3, 0.5, 1)
	for i := range huge.X {
		huge.X[i] *= 1e30
	}
	_, _, err = Fit(ctx, huge, nil, WithEpochs(3), WithBatchSize(8), WithLearnRate(1e38))
	require.True(t, errors.Is(err, ErrNonFinite), "%v", err)
}

func TestBatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	b, err := Batches(103, 10, r)
	require.NoError(t, err)
	require.Len(t, b, 10)
	seen := map[int]bool{}
	for _, rows := range b {
		require.Len(t, rows, 10)
		for _, i := range rows {
			require.False(t, seen[i])
			seen[i] = true
		}
	}
	_, err = Batches(5, 6, r)
	require.True(t, errors.Is(err, ErrConfig))

	labels := make([]int, 500)
	for i := range labels {
		labels[i] = r.IntN(60)
	}
	cb, err := ClassBatches(labels, 50, 4, r)
	require.NoError(t, err)
	require.Len(t, cb, 10)
	seen = map[int]bool{}
	for _, rows := range cb {
		require.Len(t, rows, 50)
		pairs := 0
		count := map[int]int{}
		for _, i := range rows {
			require.False(t, seen[i])
			seen[i] = true
			count[labels[i]]++
		}
		for _, c := range count {
			pairs += c * (c - 1)
		}
		// groups of up to 4: far more same-class pairs than chance (~50·49/60)
		require.Greater(t, pairs, 60)
	}
	_, err = ClassBatches(labels, 50, 0, r)
	require.True(t, errors.Is(err, ErrConfig))
	_, err = ClassBatches([]int{0, -1, 1}, 2, 2, r)
	require.True(t, errors.Is(err, ErrConfig))
}

// TestCodeStats checks the per-class bit-count formulas of Analyze against
// a quadratic pairwise reference.
func TestCodeStats(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, nbits := range []int{1, 63, 64, 65, 130} {
		const n, k = 90, 7
		w := hamming.Words(nbits)
		codes := make([]uint64, n*w)
		labels := make([]int, n)
		for i := range labels {
			labels[i] = r.IntN(k)
			if i%5 == 0 && i > 0 { // some duplicate codes
				copy(codes[i*w:(i+1)*w], codes[(i-1)*w:i*w])
				continue
			}
			for b := 0; b < nbits; b++ {
				if r.IntN(3) == 0 {
					codes[i*w+b/64] |= 1 << (b % 64)
				}
			}
		}
		got := codeStats(codes, labels, k+2, nbits) // two empty classes
		code := func(i int) []uint64 { return codes[i*w : (i+1)*w] }
		distinct := map[string]bool{}
		for i := range labels {
			distinct[fmt.Sprint(code(i))] = true
		}
		var intra, inter []float64
		for c := 0; c < k+2; c++ {
			var si, sx float64
			var ni, nx int
			for i := range labels {
				if labels[i] != c {
					continue
				}
				for j := range labels {
					if i == j {
						continue
					}
					dd := float64(hamming.Distance(code(i), code(j)))
					if labels[j] == c {
						si, ni = si+dd, ni+1
					} else {
						sx, nx = sx+dd, nx+1
					}
				}
			}
			if ni > 0 {
				intra = append(intra, si/float64(ni))
			}
			if nx > 0 {
				inter = append(inter, sx/float64(nx))
			}
		}
		mi, si := meanStd(intra)
		mx, sx := meanStd(inter)
		require.InDelta(t, mi, got.Intra, 1e-9, "bits %d", nbits)
		require.InDelta(t, si, got.IntraStd, 1e-9)
		require.InDelta(t, mx, got.Inter, 1e-9)
		require.InDelta(t, sx, got.InterStd, 1e-9)
		require.Equal(t, n, got.Rows)
		require.Equal(t, len(distinct), got.Codes)
	}
}

func TestDistinctCodes(t *testing.T) {
	codes := []uint64{5, 3, 5, 5, 3, 9}
	labels := []int{2, 1, 4, 4, 0, 7}
	c, l := distinctCodes(codes, labels, 1)
	require.Equal(t, []uint64{3, 5, 9}, c)
	require.Equal(t, []int{0, 4, 7}, l) // 3: labels {1,0} tie → 0; 5: {2,4,4} → 4
}

func TestAnalyzeErrors(t *testing.T) {
	m, err := NewModel(Config{Features: 3, Bits: 8, Classes: 4}, 1)
	require.NoError(t, err)
	_, err = Analyze(m, blobs(t, 4, 5, 4, 1, 1))
	require.True(t, errors.Is(err, ErrShape))
	st, err := Analyze(m, blobs(t, 4, 5, 3, 1, 1))
	require.NoError(t, err)
	require.Equal(t, 20, st.Rows)
	require.Contains(t, st.String(), "distinct codes")
}
