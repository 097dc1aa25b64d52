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

	m, err := NewModel(Config{Features: tr.Features, Hidden: []int{10}, Bits: bits, Classes: tr.Classes, Symmetric: true}, seed)
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

// TestBuilderLoopMatchesFitWithSchedule wires the graph by hand from the
// builders (NewNet, Net.Encode, Binarize, Net.Decode, CrossEntropy,
// NewRegulariser, G.Grad), steps it with Adam under a cosine schedule, and
// requires the model of Fit given the same schedule, seed and regulariser
// weights (adaptive schedule off) bit for bit.
func TestBuilderLoopMatchesFitWithSchedule(t *testing.T) {
	d, _ := latentCodes(t, 24, 10, 16, 12, 0.8, 4)
	tr, va, _, err := d.Split(0.2, 0, 4)
	require.NoError(t, err)
	const seed, epochs, batch, bits, lr, lo = 7, 3, 24, 12, 0.02, 0.001
	const beta, gamma = 0.3, 0.1
	sched := CosineSchedule(lr, lo, epochs)

	want, hist, err := Fit(context.Background(), tr, va, WithBits(bits), WithEpochs(epochs), WithBatchSize(batch),
		WithSchedule(sched), WithRegulariser(beta, gamma), WithAdaptiveRegulariser(false), WithSeed(seed), WithPatience(0))
	require.NoError(t, err)

	m, err := NewModel(Config{Features: tr.Features, Bits: bits, Classes: tr.Classes, Symmetric: true}, seed)
	require.NoError(t, err)
	g := G.NewGraph()
	net, err := NewNet(g, m)
	require.NoError(t, err)
	xT := tensor.New(tensor.WithShape(batch, tr.Features), tensor.Of(tensor.Float32))
	yT := tensor.New(tensor.WithShape(batch), tensor.Of(tensor.Float32))
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(batch, tr.Features), G.WithName("x"), G.WithValue(xT))
	y := G.NewVector(g, tensor.Float32, G.WithShape(batch), G.WithName("y"), G.WithValue(yT))
	probs, err := net.Encode(x)
	require.NoError(t, err)
	b, err := Binarize(probs, Sample, seed)
	require.NoError(t, err)
	logits, err := net.Decode(b)
	require.NoError(t, err)
	ce, err := CrossEntropy(logits, y)
	require.NoError(t, err)
	reg, err := NewRegulariser(probs)
	require.NoError(t, err)
	cost, err := G.Add(ce.Loss, reg.Cost)
	require.NoError(t, err)
	grads, err := G.Grad(cost, net.Learnables()...)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	opt, err := NewAdam(m, lr)
	require.NoError(t, err)
	sampler, err := NewSampler(tr.Y, batch, 4, true, seed)
	require.NoError(t, err)

	best, bestAcc := m.Clone(), math.Inf(-1)
	labels := make([]int, batch)
	for epoch := 0; epoch < epochs; epoch++ {
		batches := sampler.Epoch()
		var sum float64
		for bi, rows := range batches {
			require.NoError(t, opt.SetLearnRate(sched(epoch, bi, len(batches))))
			xs, ys := xT.Data().([]float32), yT.Data().([]float32)
			for i, r := range rows {
				copy(xs[i*tr.Features:], tr.Row(r))
				ys[i], labels[i] = float32(tr.Y[r]), tr.Y[r]
			}
			require.NoError(t, reg.SetBatch(labels, beta, gamma))
			require.NoError(t, vm.RunAll())
			require.NoError(t, opt.Step(grads))
			vm.Reset()
			sum += ce.Last()
		}
		require.Equal(t, hist.Epochs[epoch].Loss, sum/float64(len(batches)), "epoch %d loss", epoch+1)
		acc, err := ValidationAccuracy(m, va)
		require.NoError(t, err)
		if acc > bestAcc {
			bestAcc, best = acc, m.Clone()
		}
	}
	require.Equal(t, epochs*(tr.Len()/batch), opt.Steps())
	require.NoError(t, best.SetTrainingCodes(tr))
	requireSameModel(t, want, best)

	// The schedule matters: a constant rate gives other weights.
	other, _, err := Fit(context.Background(), tr, va, WithBits(bits), WithEpochs(epochs), WithBatchSize(batch),
		WithLearnRate(lr), WithRegulariser(beta, gamma), WithAdaptiveRegulariser(false), WithSeed(seed), WithPatience(0))
	require.NoError(t, err)
	require.NotEqual(t, weightsOf(t, want), weightsOf(t, other))
}

func TestCosineSchedule(t *testing.T) {
	s := CosineSchedule(0.1, 0.001, 4)
	require.Equal(t, 0.1, s(0, 0, 10))
	require.InDelta(t, 0.0505, s(2, 0, 10), 1e-12)
	require.Equal(t, 0.001, s(4, 0, 10))
	require.Equal(t, 0.001, s(9, 3, 10), "past the run")
	prev := math.Inf(1)
	for e := 0; e < 4; e++ {
		for b := 0; b < 10; b++ {
			v := s(e, b, 10)
			require.Less(t, v, prev)
			require.Greater(t, v, 0.001)
			prev = v
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	d, _ := latentCodes(t, 6, 8, 8, 6, 0.8, 2)
	_, _, err := Fit(context.Background(), d, nil, WithBits(6), WithEpochs(2), WithBatchSize(16),
		WithSchedule(func(epoch, batch, batches int) float64 {
			if epoch == 1 {
				return math.NaN()
			}
			return 0.01
		}))
	require.ErrorIs(t, err, ErrConfig)
	require.ErrorContains(t, err, "epoch 2, batch 1")

	m, err := NewModel(Config{Features: 8, Bits: 6, Classes: 6}, 1)
	require.NoError(t, err)
	_, err = NewAdam(m, 0)
	require.ErrorIs(t, err, ErrConfig)
	opt, err := NewAdam(m, 0.01)
	require.NoError(t, err)
	require.ErrorIs(t, opt.SetLearnRate(math.Inf(1)), ErrConfig)
	require.Equal(t, 0.01, opt.LearnRate())
	tg, err := NewTrainingGraph(m, 4, false, 1)
	require.NoError(t, err)
	require.ErrorIs(t, opt.Step(tg.Grads), ErrShape, "before any run")
	require.ErrorIs(t, opt.Step(tg.Grads[:2]), ErrShape)
	require.Equal(t, 0, opt.Steps())
}

func TestStrings(t *testing.T) {
	m, err := NewModel(Config{Features: 10, Hidden: []int{8}, Bits: 6, Classes: 5}, 1)
	require.NoError(t, err)
	p, err := NewPredictor(m, Decoding{})
	require.NoError(t, err)
	want := `DSNC predictor, linear decoding; model (float32): 10 features → 8 ReLU → 6-bit code → 5 classes
  hidden 1      10 × 8              88 params
  code           8 × 6              54 params
  decoder        6 × 5              35 params
  total 177 params; 0 distinct training codes`
	require.Equal(t, want, p.String())
	for d, s := range map[Decoding]string{
		{}:                                    "linear",
		{Kind: NearestDecoding}:               "nearest",
		{Kind: NearestDecoding, Neighbors: 3}: "nearest (3 neighbours)",
		{Kind: TableDecoding, TableOf: NearestDecoding}: "table of nearest",
	} {
		require.Equal(t, s, d.String())
	}
}
