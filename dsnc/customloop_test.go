package dsnc

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestCustomLoopMatchesFit trains with a hand-written loop over the
// exported parts (NewModel, NewTrainingGraph, a TapeMachine, Adam,
// NewSampler, ValidationAccuracy, SetTrainingCodes) following Fit's
// schedule, and requires Fit's result bit for bit: Fit is built from
// exactly these parts.
func TestCustomLoopMatchesFit(t *testing.T) {
	d, _ := latentCodes(t, 30, 12, 16, 12, 0.8, 9)
	tr, va, _, err := d.Split(0.2, 0, 9)
	require.NoError(t, err)
	const seed, epochs, batch, bits, lr = 5, 4, 32, 12, 0.01
	const beta0, gamma0 = 0.2, 0.1

	want, hist, err := Fit(context.Background(), tr, va, WithBits(bits), WithHidden(10), WithEpochs(epochs),
		WithBatchSize(batch), WithLearnRate(lr), WithRegulariser(beta0, gamma0), WithSeed(seed), WithPatience(0))
	require.NoError(t, err)

	m, err := NewModel(Config{Features: tr.Features, Hidden: []int{10}, Bits: bits, Classes: tr.Classes}, tensor.Float32, seed)
	require.NoError(t, err)
	tg, err := NewTrainingGraph(m, batch, true, seed)
	require.NoError(t, err)
	learn := tg.Net.Learnables()
	vm := G.NewTapeMachine(tg.Graph, G.BindDualValues(learn...))
	defer vm.Close()
	solver := G.NewAdamSolver(G.WithLearnRate(lr))
	sampler, err := NewSampler(tr.Y, batch, 4, true, seed)
	require.NoError(t, err)
	beta, gamma := beta0, gamma0
	best, bestAcc, prev := m.Clone(), math.Inf(-1), math.NaN()
	for epoch := 1; epoch <= epochs; epoch++ {
		var sum float64
		batches := sampler.Epoch()
		for _, rows := range batches {
			require.NoError(t, tg.SetBatch(tr, rows, beta, gamma))
			require.NoError(t, vm.RunAll())
			require.NoError(t, solver.Step(G.NodesToValueGrads(learn)))
			vm.Reset()
			sum += tg.Loss()
		}
		require.Equal(t, hist.Epochs[epoch-1].Loss, sum/float64(len(batches)), "epoch %d loss", epoch)
		acc, err := ValidationAccuracy(m, va)
		require.NoError(t, err)
		require.Equal(t, hist.Epochs[epoch-1].ValAccuracy, acc)
		if acc > bestAcc {
			bestAcc = acc
			best.copyWeights(m)
		}
		if !math.IsNaN(prev) && acc > prev {
			beta, gamma = beta*2, gamma*2
		} else if acc < prev {
			beta, gamma = beta/2, gamma/2
		}
		prev = acc
	}
	m.copyWeights(best)
	require.NoError(t, m.SetTrainingCodes(tr))
	requireSameModel(t, want, m)
}
