package training_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntest"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/training"
)

// run trains a fresh network of spec on tr with Run (validation on va when
// not nil, scored by accuracy unless cfg.Validate is set).
func run(t testing.TB, ctx context.Context, spec nn.Spec, tr, va *nntrain.Data, batch int, seed uint64, cfg training.Config) (*nn.Net, *training.History, error) {
	t.Helper()
	n, err := nn.NewNet(spec, seed, limits.DefaultMaxWeights)
	require.NoError(t, err)
	g, err := nntrain.NewGraph(n, batch)
	require.NoError(t, err)
	t.Cleanup(func() { g.Close() })
	s, err := training.NewSampler(tr.Rows(), batch, seed)
	require.NoError(t, err)
	if va != nil && cfg.Validate == nil {
		cfg.Validate = func() (float64, error) { return nntrain.Accuracy(n, va), nil }
	}
	h, err := training.Run(ctx, nntrain.NewTrainer(g, tr), s, cfg)
	return n, h, err
}

func blobData(t testing.TB) (tr, va *nntrain.Data) {
	x, y := nntest.Blobs(10, 8, 600, 0.6, 5)
	return &nntrain.Data{X: x[:500*8], Targets: [][]int{y[:500]}}, &nntrain.Data{X: x[500*8:], Targets: [][]int{y[500:]}}
}

var blobSpec = nn.Spec{Inputs: 8, Hidden: []int{32}, Heads: []int{10}}

func TestRunLearnsAndKeepsBest(t *testing.T) {
	tr, va := blobData(t)
	n, h, err := run(t, context.Background(), blobSpec, tr, va, 32, 7, training.Config{Epochs: 8, LearningRate: 0.01})
	require.NoError(t, err)
	acc := nntrain.Accuracy(n, va)
	require.GreaterOrEqual(t, acc, 0.9, "validation accuracy on separable blobs\n%v", h)
	best, ok := h.BestEpoch()
	require.True(t, ok)
	require.Equal(t, acc, best.Score, "kept weights must score what the history says")
	require.Less(t, h.Epochs[len(h.Epochs)-1].Loss, h.Epochs[0].Loss)
	require.Equal(t, 1, h.Epochs[0].Epoch, "epochs count from 1")
	require.Equal(t, n.Params(), h.Params)
	require.Equal(t, training.StopEpochs, h.Stopped)
	require.Positive(t, h.Duration)
}

func TestRunReproducible(t *testing.T) {
	tr, va := blobData(t)
	weights := func(seed uint64) []uint32 {
		n, _, err := run(t, context.Background(), blobSpec, tr, va, 32, seed, training.Config{Epochs: 3, LearningRate: 0.01})
		require.NoError(t, err)
		var bits []uint32
		for _, l := range n.Layers() {
			for _, v := range append(append([]float32(nil), l.W...), l.B...) {
				bits = append(bits, math.Float32bits(v))
			}
		}
		return bits
	}
	a, b, c := weights(11), weights(11), weights(12)
	require.Equal(t, a, b, "same seed")
	require.NotEqual(t, a, c, "different seeds")
}

// A loop written by hand over Sampler, Adam and the graph gives Run's
// weights bit for bit.
func TestHandLoopMatchesRun(t *testing.T) {
	tr, _ := blobData(t)
	sched := training.Cosine(0.02, 0.001, 3)
	n1, _, err := run(t, context.Background(), blobSpec, tr, nil, 50, 3, training.Config{Epochs: 3, Schedule: sched})
	require.NoError(t, err)

	n2, err := nn.NewNet(blobSpec, 3, limits.DefaultMaxWeights)
	require.NoError(t, err)
	g, err := nntrain.NewGraph(n2, 50)
	require.NoError(t, err)
	defer g.Close()
	s, err := training.NewSampler(tr.Rows(), 50, 3)
	require.NoError(t, err)
	opt, err := training.NewAdam(g.Params(), 1)
	require.NoError(t, err)
	step := nntrain.NewTrainer(g, tr)
	for ep := 1; ep <= 3; ep++ {
		for b, rows := range s.Epoch() {
			require.NoError(t, opt.SetLearningRate(sched(ep, b+1, s.Batches())))
			_, _, grads, err := step.Step(rows)
			require.NoError(t, err)
			require.NoError(t, opt.Step(grads))
		}
	}
	for i, l := range n1.Layers() {
		require.Equal(t, l.W, n2.Layers()[i].W)
		require.Equal(t, l.B, n2.Layers()[i].B)
	}
}

func TestEarlyStopping(t *testing.T) {
	x, y := nntest.Blobs(5, 4, 200, 0.2, 9)
	tr := &nntrain.Data{X: x[:100*4], Targets: [][]int{y[:100]}}
	calls := 0
	// A constant score never improves after the first epoch.
	_, h, err := run(t, context.Background(), nn.Spec{Inputs: 4, Hidden: []int{16}, Heads: []int{5}}, tr, nil, 10, 1,
		training.Config{Epochs: 50, LearningRate: 1e-3, Patience: 3, Validate: func() (float64, error) { calls++; return 0.5, nil }})
	require.NoError(t, err)
	require.Equal(t, training.StopEarly, h.Stopped)
	require.Len(t, h.Epochs, 4)
	require.Equal(t, 1, h.Best)
	require.Equal(t, 4, calls)
}

func TestRunCancel(t *testing.T) {
	x, y := nntest.Blobs(5, 4, 200, 0.2, 9)
	tr := &nntrain.Data{X: x, Targets: [][]int{y}}
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	_, h, err := run(t, ctx, nn.Spec{Inputs: 4, Hidden: []int{8}, Heads: []int{5}}, tr, nil, 10, 1,
		training.Config{Epochs: 5, LearningRate: 1e-3, Progress: func(p training.Progress) {
			if !p.EpochDone {
				seen++
			}
			if seen == 3 {
				cancel()
			}
		}})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 3, seen)
	require.Equal(t, training.StopCancelled, h.Stopped)
	require.Equal(t, 0, h.Best, "mid-epoch weights without validation")
}

func TestProgress(t *testing.T) {
	x, y := nntest.Blobs(5, 4, 100, 0.2, 9)
	tr := &nntrain.Data{X: x, Targets: [][]int{y}}
	var reports []training.Progress
	_, _, err := run(t, context.Background(), nn.Spec{Inputs: 4, Heads: []int{5}}, tr, tr, 30, 1,
		training.Config{Epochs: 2, LearningRate: 1e-3, Site: 4, Progress: func(p training.Progress) { reports = append(reports, p) }})
	require.NoError(t, err)
	require.Len(t, reports, 2*(3+1))
	for i, p := range reports {
		require.Equal(t, 4, p.Site)
		require.Equal(t, 1+i/4, p.Epoch)
		require.Equal(t, 2, p.Epochs)
		require.Equal(t, 3, p.Batches)
		require.Equal(t, i%4 == 3, p.EpochDone)
		if !p.EpochDone {
			require.Equal(t, 1+i%4, p.Batch)
			require.True(t, math.IsNaN(p.Score))
		} else {
			require.False(t, math.IsNaN(p.Score))
		}
		require.False(t, math.IsNaN(p.Loss))
		require.True(t, p.Accuracy >= 0 && p.Accuracy <= 1)
	}
}

func TestBadConfig(t *testing.T) {
	x, y := nntest.Blobs(3, 2, 20, 0.2, 9)
	tr := &nntrain.Data{X: x, Targets: [][]int{y}}
	spec := nn.Spec{Inputs: 2, Heads: []int{3}}
	for name, c := range map[string]training.Config{
		"epochs": {Epochs: 0, LearningRate: 1}, "patience": {Epochs: 1, LearningRate: 1, Patience: -1},
		"lr nan": {Epochs: 1, LearningRate: math.NaN()}, "lr<0": {Epochs: 1, LearningRate: -1},
		"schedule": {Epochs: 1, Schedule: func(int, int, int) float64 { return math.Inf(1) }},
	} {
		_, _, err := run(t, context.Background(), spec, tr, nil, 5, 1, c)
		require.ErrorIs(t, err, limits.ErrConfig, name)
	}
	_, err := training.NewSampler(3, 4, 1)
	require.ErrorIs(t, err, limits.ErrConfig)
	_, err = training.NewClassSampler([]int{0, -1}, 1, 1, 1)
	require.ErrorIs(t, err, limits.ErrConfig)
	_, err = training.NewAdam(nil, 0)
	require.ErrorIs(t, err, limits.ErrConfig)
	opt, err := training.NewAdam([][]float32{{1, 2}}, 0.1)
	require.NoError(t, err)
	require.ErrorIs(t, opt.Step([][]float32{{1}}), limits.ErrShape)
	require.True(t, errors.Is(opt.SetLearningRate(0), limits.ErrConfig))
}

// nanModel's loss becomes NaN at its third step.
type nanModel struct {
	p     [][]float32
	steps int
}

func (m *nanModel) Params() [][]float32 { return m.p }
func (m *nanModel) Step(rows []int) (float64, float64, [][]float32, error) {
	m.steps++
	if m.steps == 3 {
		return math.NaN(), 0, nil, nil
	}
	return 1, 0.5, [][]float32{{1, 1}}, nil
}

func TestDiverged(t *testing.T) {
	m := &nanModel{p: [][]float32{{0, 0}}}
	s, err := training.NewSampler(4, 2, 1)
	require.NoError(t, err)
	h, err := training.Run(context.Background(), m, s, training.Config{Epochs: 5, LearningRate: 0.1, Validate: func() (float64, error) { return 0, nil }})
	require.ErrorIs(t, err, limits.ErrDiverged)
	require.Len(t, h.Epochs, 1)
	require.Equal(t, 1, h.Best)
	// The weights of the best epoch (after two steps) are restored.
	require.InDelta(t, -0.2, m.p[0][0], 1e-5)
}

func TestClassSampler(t *testing.T) {
	labels := []int{5, 1, 5, 1, 9, 9, 1_000_000, 1_000_000, 7, 7}
	s, err := training.NewClassSampler(labels, 4, 2, 3)
	require.NoError(t, err)
	require.Equal(t, 2, s.Batches())
	for range 5 {
		seen := map[int]bool{}
		for _, b := range s.Epoch() {
			require.Len(t, b, 4)
			for _, r := range b {
				require.False(t, seen[r], "row drawn twice in an epoch")
				seen[r] = true
			}
			// Every class has two rows: a batch is two whole pairs.
			require.Equal(t, labels[b[0]], labels[b[1]])
			require.Equal(t, labels[b[2]], labels[b[3]])
		}
	}
	a, _ := training.NewClassSampler(labels, 4, 2, 9)
	b, _ := training.NewClassSampler(labels, 4, 2, 9)
	require.Equal(t, a.Epoch(), b.Epoch(), "same seed, same batches")
}

func TestCosine(t *testing.T) {
	c := training.Cosine(1, 0.1, 2)
	require.Equal(t, 1.0, c(1, 1, 10))
	require.InDelta(t, 0.55, c(2, 1, 10), 1e-12)
	require.Equal(t, 0.1, c(3, 1, 10))
}
