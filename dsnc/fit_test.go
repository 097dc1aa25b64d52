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
	"github.com/labelcode/labelcode/training"
)

func weightsOf(t *testing.T, m *Model) [][]float64 {
	t.Helper()
	var out [][]float64
	for _, l := range m.layers() {
		out = append(out, f64(l.W), f64(l.B))
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
	fitSeed := func(seed uint64) (*Model, *training.History) {
		m, err := New(WithBits(12), WithHidden(16), WithEpochs(3),
			WithBatchSize(32), WithRegulariser(0.1, 0.05), WithSeed(seed), WithLearningRate(0.01))
		require.NoError(t, err)
		h, err := m.Fit(context.Background(), tr, va)
		require.NoError(t, err)
		return m, h
	}
	a, ha := fitSeed(7)
	b, hb := fitSeed(7)
	c, _ := fitSeed(8)
	require.Equal(t, weightsOf(t, a), weightsOf(t, b))
	require.Equal(t, a.Codes, b.Codes)
	require.Equal(t, a.CodeLabels, b.CodeLabels)
	for i := range ha.Epochs {
		ha.Epochs[i].Duration, hb.Epochs[i].Duration = 0, 0
	}
	ha.Duration, hb.Duration = 0, 0
	require.Equal(t, ha, hb)
	require.Equal(t, a.Params(), ha.Params)
	require.Equal(t, 1, ha.Epochs[0].Epoch, "epochs count from 1")
	require.Equal(t, 0.1, ha.Epochs[0].Beta, "the regulariser weights of the first epoch")
	require.Equal(t, 0.05, ha.Epochs[0].Gamma)
	// Every epoch records its distinct training codes; after the last one
	// they are the codes the model keeps (the last epoch is the best here
	// or not: compare with a count of its own).
	for _, e := range ha.Epochs {
		require.True(t, e.Codes >= 1 && e.Codes <= tr.Len(), "epoch %d: %d codes for %d rows", e.Epoch, e.Codes, tr.Len())
	}
	if ha.Best == len(ha.Epochs) {
		require.Equal(t, len(a.CodeLabels), ha.Epochs[len(ha.Epochs)-1].Codes)
	}
	require.NotEqual(t, weightsOf(t, a), weightsOf(t, c))
	// the fitted model predicts right away
	acc, err := a.Accuracy(va)
	require.NoError(t, err)
	best, ok := ha.BestEpoch()
	require.True(t, ok)
	require.Equal(t, best.Score, acc, "the linear decoder's accuracy is the validation score kept")
}

// TestFitDefaults checks the module's shared defaults and that a model
// that has not been fitted refuses to predict.
func TestFitDefaults(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	c := m.opts
	require.Equal(t, [5]any{20, 128, 1e-3, 5, uint64(1)}, [5]any{c.Epochs, c.Batch, c.LR, c.Patience, c.Seed})
	require.Equal(t, LinearDecoding, m.Decoding().Kind)
	require.Zero(t, m.Params())
	_, err = m.Predict([]float32{1})
	require.ErrorIs(t, err, ErrNotFitted)
	_, err = m.Accuracy(blobs(t, 4, 5, 3, 1, 1))
	require.ErrorIs(t, err, ErrNotFitted)
	_, err = m.NewTrainingGraph(4)
	require.ErrorIs(t, err, ErrNotFitted)
	require.Contains(t, m.String(), "not trained")
}

func TestFitProgressAndCancel(t *testing.T) {
	d := blobs(t, 10, 20, 6, 0.5, 3)
	var reports []training.Progress
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, h, err := fit(ctx, d, nil, WithBits(8), WithEpochs(50), WithBatchSize(20), WithProgress(func(p training.Progress) {
		reports = append(reports, p)
		if p.Epoch == 2 && p.Batch == 3 {
			cancel()
		}
	}))
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	require.NotNil(t, m)
	require.Equal(t, training.StopCancelled, h.Stopped)
	require.Equal(t, 0, h.Best, "mid-epoch weights without validation")
	require.Len(t, h.Epochs, 1)
	// without validation data the current (trained) weights are kept
	init, err := newModel(m.Config, 1)
	require.NoError(t, err)
	require.NotEqual(t, weightsOf(t, init), weightsOf(t, m))
	// and the model predicts with them
	require.NotEmpty(t, m.Codes)
	_, err = m.Predict(d.Row(0))
	require.NoError(t, err)
	batches := d.Len() / 20
	// epoch 1: every batch plus its end report; epoch 2: 3 batches
	require.Len(t, reports, batches+1+3)
	require.True(t, reports[batches].EpochDone)
	require.True(t, math.IsNaN(reports[batches].Score))
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
	require.True(t, strings.HasPrefix(h.CSV(), "site,epoch,loss,accuracy,score,beta,gamma"))
}

// TestFitCancelKeepsBest cancels a run with validation data in its third
// epoch: the model holds the best of the two finished epochs' weights.
func TestFitCancelKeepsBest(t *testing.T) {
	d := blobs(t, 10, 20, 6, 0.8, 4)
	tr, va, _, err := d.Split(0.3, 0, 4)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, h, err := fit(ctx, tr, va, WithBits(8), WithEpochs(50), WithBatchSize(10), WithLearningRate(0.05),
		WithProgress(func(p training.Progress) {
			if p.Epoch == 3 && p.Batch == 2 {
				cancel()
			}
		}))
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, h.Epochs, 2)
	require.Contains(t, []int{1, 2}, h.Best)
	best, _ := h.BestEpoch()
	acc, err := m.Accuracy(va)
	require.NoError(t, err)
	require.Equal(t, best.Score, acc, "the model holds the best epoch's weights")
}

func TestFitEarlyStoppingKeepsBest(t *testing.T) {
	d := blobs(t, 30, 10, 8, 1.5, 5)
	tr, va, _, err := d.Split(0.3, 0, 5)
	require.NoError(t, err)
	m, h, err := fit(context.Background(), tr, va, WithBits(10), WithEpochs(40), WithPatience(2),
		WithBatchSize(16), WithLearningRate(0.05))
	require.NoError(t, err)
	best := -1.0
	for _, e := range h.Epochs {
		best = math.Max(best, e.Score)
	}
	require.Equal(t, best, h.Epochs[h.Best-1].Score)
	if h.Stopped == training.StopEarly {
		require.Equal(t, h.Best+2, len(h.Epochs))
	}
	// the kept weights are the best epoch's: re-measure
	acc, err := m.validationAccuracy(va)
	require.NoError(t, err)
	require.Equal(t, best, acc)
	acc, err = m.Accuracy(va)
	require.NoError(t, err)
	require.Equal(t, best, acc)
}

func TestFitErrors(t *testing.T) {
	d := blobs(t, 4, 10, 3, 0.5, 1)
	ctx := context.Background()
	for _, o := range []Option{WithBatchSize(1), WithEpochs(0), WithLearningRate(0), WithLearningRate(math.Inf(1)),
		WithRegulariser(-1, 0), WithRegulariser(0, math.NaN()), WithPerClass(1), WithPatience(-1), WithBits(0),
		WithBits(MaxBits + 1), WithHidden(3, -2), WithMaxWeights(-1), WithDecoder(Decoding{Kind: 9}),
		WithDecoder(Decoding{Kind: NearestDecoding, Neighbors: -1})} {
		_, err := New(o)
		require.True(t, errors.Is(err, ErrConfig), "%v", err)
	}
	_, err := New(WithDecoder(Decoding{Kind: TableDecoding}), WithBits(MaxTableBits+1))
	require.ErrorIs(t, err, ErrConfig, "a table of more than MaxTableBits bits")
	_, err = New(WithDecoder(Decoding{Kind: TableDecoding}), WithBits(MaxTableBits))
	require.NoError(t, err)
	_, err = New(WithHidden(MaxDim + 1))
	require.ErrorIs(t, err, ErrConfig)
	require.ErrorIs(t, err, ErrTooLarge)
	bad := &labelcode.Dataset{X: d.X, Y: append([]int(nil), d.Y...), Features: d.Features, Classes: d.Classes}
	bad.Y[3] = 9
	_, _, err = fit(ctx, bad, nil)
	require.True(t, errors.Is(err, labelcode.ErrLabelRange), "%v", err)
	other := blobs(t, 4, 10, 5, 0.5, 1)
	_, _, err = fit(ctx, d, other)
	require.True(t, errors.Is(err, ErrShape), "%v", err)
	// a schedule giving a bad rate
	_, _, err = fit(ctx, d, nil, WithSchedule(training.Schedule(func(int, int, int) float64 { return -1 })))
	require.ErrorIs(t, err, ErrConfig)
	// a diverging learning rate is reported, not hidden: steps of 1e38 make
	// the decoder's scores overflow float32 after the first batch (with
	// steps of 1e30 the scores reach only ~1e31, which a max-shifted
	// softmax handles exactly)
	huge := blobs(t, 4, 10, 3, 0.5, 1)
	for i := range huge.X {
		huge.X[i] *= 1e30
	}
	_, _, err = fit(ctx, huge, nil, WithEpochs(3), WithBatchSize(8), WithLearningRate(1e38))
	require.True(t, errors.Is(err, ErrNonFinite), "%v", err)
	require.ErrorIs(t, err, ErrDiverged)
}

// TestFitKeepsModelOnError fits a model, then fits it again on data it
// refuses: the first network stays and still predicts.
func TestFitKeepsModelOnError(t *testing.T) {
	d := blobs(t, 4, 10, 3, 0.5, 1)
	m, err := New(WithBits(8), WithEpochs(1), WithBatchSize(8))
	require.NoError(t, err)
	_, err = m.Fit(context.Background(), d, nil)
	require.NoError(t, err)
	want := weightsOf(t, m)
	y, err := m.Predict(d.Row(0))
	require.NoError(t, err)
	_, err = m.Fit(context.Background(), d, blobs(t, 4, 10, 5, 0.5, 1))
	require.ErrorIs(t, err, ErrShape)
	require.Equal(t, want, weightsOf(t, m))
	got, err := m.Predict(d.Row(0))
	require.NoError(t, err)
	require.Equal(t, y, got)
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
		require.Len(t, got.Balance, nbits)
		for b := 0; b < nbits; b++ {
			set := 0
			for i := range labels {
				set += int(code(i)[b/64] >> (b % 64) & 1)
			}
			require.Equal(t, float64(set)/n, got.Balance[b], "bit %d", b)
		}
	}
	// Dead bits: bit 0 set everywhere, bit 1 nowhere, bit 2 in half the rows.
	codes := []uint64{0b101, 0b001, 0b101, 0b001}
	st := codeStats(codes, []int{0, 1, 0, 1}, 2, 3)
	require.Equal(t, 2, st.DeadBits)
	require.Equal(t, []float64{1, 0, 0.5}, st.Balance)
	require.Contains(t, st.String(), "2 of 3 bits dead, balance 0.00–1.00")
}

func TestDistinctCodes(t *testing.T) {
	codes := []uint64{5, 3, 5, 5, 3, 9}
	labels := []int{2, 1, 4, 4, 0, 7}
	c, l := distinctCodes(codes, labels, 1)
	require.Equal(t, []uint64{3, 5, 9}, c)
	require.Equal(t, []int{0, 4, 7}, l) // 3: labels {1,0} tie → 0; 5: {2,4,4} → 4
}

func TestAnalyzeErrors(t *testing.T) {
	m, err := New(WithBits(8))
	require.NoError(t, err)
	_, err = m.Analyze(blobs(t, 4, 5, 3, 1, 1))
	require.ErrorIs(t, err, ErrNotFitted)
	require.NoError(t, m.Init(3, 4))
	_, err = m.Analyze(blobs(t, 4, 5, 4, 1, 1))
	require.True(t, errors.Is(err, ErrShape))
	st, err := m.Analyze(blobs(t, 4, 5, 3, 1, 1))
	require.NoError(t, err)
	require.Equal(t, 20, st.Rows)
	require.Contains(t, st.String(), "distinct codes")
}
