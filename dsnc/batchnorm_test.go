package dsnc

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/infer"
)

// TestFitBatchNorm trains DSNC with batch norm of the encoder's hidden
// layers: the option off is the default bit for bit; on, the model learns,
// keeps the best epoch consistently (its accuracy now is the best
// validation score, which was measured on the folded copy), and predicts
// the same labels after Save and Load or infer.Load. A custom loop refuses
// it.
func TestFitBatchNorm(t *testing.T) {
	d := blobs(t, 20, 16, 10, 0.5, 4)
	tr, va, te, err := d.Split(0.2, 0.2, 4)
	require.NoError(t, err)
	opts := []Option{WithBits(16), WithHidden(32, 24), WithEpochs(8), WithBatchSize(32), WithLearningRate(0.01), WithSeed(3)}
	plain, _, err := fit(context.Background(), tr, va, opts...)
	require.NoError(t, err)
	off, _, err := fit(context.Background(), tr, va, append(opts, WithBatchNorm(false))...)
	require.NoError(t, err)
	require.Equal(t, weightsOf(t, plain), weightsOf(t, off), "WithBatchNorm(false) changed the model")

	m, h, err := fit(context.Background(), tr, va, append(opts, WithBatchNorm(true))...)
	require.NoError(t, err)
	require.NotEqual(t, weightsOf(t, plain), weightsOf(t, m))
	require.Equal(t, plain.Params(), m.Params())
	best, ok := h.BestEpoch()
	require.True(t, ok)
	acc, err := m.Accuracy(va)
	require.NoError(t, err)
	require.Equal(t, best.Score, acc, "the kept weights and statistics are the best epoch's")
	if h.Best == len(h.Epochs) {
		require.Equal(t, len(m.CodeLabels), h.Epochs[h.Best-1].Codes)
	}
	tacc, err := m.Accuracy(te)
	require.NoError(t, err)
	t.Logf("DSNC with batch norm: test accuracy %.3f, best epoch %d of %d", tacc, h.Best, len(h.Epochs))
	require.Greater(t, tacc, 0.4)

	path := filepath.Join(t.TempDir(), "bn.dsnc")
	require.NoError(t, m.Save(path))
	back, err := Load(path)
	require.NoError(t, err)
	want, err := m.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	got, err := back.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	require.True(t, slices.Equal(want, got), "dsnc.Load predicts differently")
	im, err := infer.Load(path)
	require.NoError(t, err)
	got, err = im.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	require.True(t, slices.Equal(want, got), "infer.Load predicts differently")

	_, err = m.NewTrainingGraph(8)
	require.ErrorIs(t, err, ErrConfig)
}

// TestFitCodeBatchNorm trains DSNC with batch norm before the code
// layer's sigmoid, alone and with WithBatchNorm: the model learns, keeps
// the best epoch consistently, and its folded weights give the same
// labels after a save and load.
func TestFitCodeBatchNorm(t *testing.T) {
	d := blobs(t, 20, 16, 10, 0.5, 4)
	tr, va, te, err := d.Split(0.2, 0.2, 4)
	require.NoError(t, err)
	for _, hidden := range []bool{false, true} {
		m, h, err := fit(context.Background(), tr, va, WithBits(16), WithHidden(32), WithEpochs(8), WithBatchSize(32),
			WithLearningRate(0.01), WithSeed(3), WithCodeBatchNorm(true), WithBatchNorm(hidden))
		require.NoError(t, err)
		best, ok := h.BestEpoch()
		require.True(t, ok)
		acc, err := m.Accuracy(va)
		require.NoError(t, err)
		require.Equal(t, best.Score, acc, "the kept weights and statistics are the best epoch's")
		tacc, err := m.Accuracy(te)
		require.NoError(t, err)
		t.Logf("hidden batch norm %v: test accuracy %.3f, %d training codes", hidden, tacc, len(m.CodeLabels))
		require.Greater(t, tacc, 0.4)
		data, err := m.MarshalBinary()
		require.NoError(t, err)
		back, err := Unmarshal(data)
		require.NoError(t, err)
		want, _ := m.PredictBatch(te.X, te.Len(), nil)
		got, err := back.PredictBatch(te.X, te.Len(), nil)
		require.NoError(t, err)
		require.True(t, slices.Equal(want, got))
		_, err = m.NewTrainingGraph(8)
		require.ErrorIs(t, err, ErrConfig)
	}
}
