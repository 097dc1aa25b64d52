package dsnc

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLearnLatentCodes is the CI-sized learning test: 300 classes whose
// rows are noisy linear images of 20-bit class codes (latentCodes), where
// the nearest-centre rule knows the answer. DSNC with 32-bit codes, trained
// for a few seconds with a fixed seed, must reach the stated floors on the
// held-out test rows with both the linear and the nearest-neighbour
// decoder (measured: linear 0.92, nearest 0.90 at the full size; the floors
// leave room for a different BLAS's rounding).
func TestLearnLatentCodes(t *testing.T) {
	const k, rows, epochs = 300, 20, 25 // about 4 s on 2 cores: no -short cut
	const floorLin, floorNN = 0.85, 0.80
	d, centres := latentCodes(t, k, rows, 64, 20, 0.8, 1)
	tr, va, te, err := d.Split(0.1, 0.1, 1)
	require.NoError(t, err)
	oracle := nearestCentre(te, centres)
	require.GreaterOrEqual(t, oracle, 0.99, "the generated problem must be solvable")

	m, h, err := fit(context.Background(), tr, va, WithBits(32), WithEpochs(epochs), WithBatchSize(128),
		WithLearningRate(0.003), WithSeed(1))
	require.NoError(t, err)
	lin, err := predictorOf(m, Decoding{Kind: LinearDecoding})
	require.NoError(t, err)
	nn, err := predictorOf(m, Decoding{Kind: NearestDecoding})
	require.NoError(t, err)
	accLin, err := lin.Accuracy(te)
	require.NoError(t, err)
	accNN, err := nn.Accuracy(te)
	require.NoError(t, err)
	t.Logf("K=%d: oracle %.3f, linear %.3f, nearest %.3f, %d epochs, best %d", k, oracle, accLin, accNN, len(h.Epochs), h.Best)
	require.GreaterOrEqual(t, accLin, floorLin, "linear decoder")
	require.GreaterOrEqual(t, accNN, floorNN, "nearest-neighbour decoder")
	// the validation accuracy Fit measured is the linear predictor's
	va2, err := lin.Accuracy(va)
	require.NoError(t, err)
	require.Equal(t, h.Epochs[h.Best-1].Score, va2)
}

// TestRegulariserCompactsCodes checks the effect the paper reports in
// Table 3: with the regulariser the training codes are fewer and the
// intra-class distance smaller than without it, on the same data, seed and
// schedule.
func TestRegulariserCompactsCodes(t *testing.T) {
	const k, epochs = 150, 12
	d, _ := latentCodes(t, k, 20, 64, 20, 0.8, 2)
	tr, va, _, err := d.Split(0.1, 0.1, 2)
	require.NoError(t, err)
	opts := []Option{WithBits(32), WithEpochs(epochs), WithBatchSize(128), WithLearningRate(0.003), WithSeed(2), WithPatience(0)}
	plain, _, err := fit(context.Background(), tr, va, opts...)
	require.NoError(t, err)
	reg, _, err := fit(context.Background(), tr, va, append(opts, WithRegulariser(0.05, 0.01))...)
	require.NoError(t, err)
	sp, err := plain.Analyze(tr)
	require.NoError(t, err)
	sr, err := reg.Analyze(tr)
	require.NoError(t, err)
	t.Logf("no reg: %v\n   reg: %v", sp, sr)
	require.Less(t, sr.Codes, sp.Codes)
	require.Less(t, sr.Intra, sp.Intra)
}
