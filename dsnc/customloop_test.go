package dsnc

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/training"
)

// TestCustomLoopMatchesFit trains with a hand-written loop over the
// exported parts (New, Init, NewTrainingGraph run on a TapeMachine with
// dual values and stepped by gorgonia's own AdamSolver,
// training.NewClassSampler, SetTrainingCodes and Accuracy for validation, the
// regulariser's adaptive schedule) and requires Fit's result bit for bit:
// Fit is built from exactly these parts.
func TestCustomLoopMatchesFit(t *testing.T) {
	d, _ := latentCodes(t, 30, 12, 16, 12, 0.8, 9)
	tr, va, _, err := d.Split(0.2, 0, 9)
	require.NoError(t, err)
	const seed, epochs, batch, bits, lr = 5, 4, 32, 12, 0.01
	const beta0, gamma0 = 0.2, 0.1
	opts := []Option{WithBits(bits), WithHidden(10), WithEpochs(epochs), WithBatchSize(batch), WithLearningRate(lr),
		WithRegulariser(beta0, gamma0), WithSeed(seed), WithPatience(0)}

	want, hist, err := fit(context.Background(), tr, va, opts...)
	require.NoError(t, err)

	m, err := New(opts...)
	require.NoError(t, err)
	require.NoError(t, m.Init(tr.Features, tr.Classes))
	tg, err := m.NewTrainingGraph(batch)
	require.NoError(t, err)
	learn := tg.Net.Learnables()
	vm := G.NewTapeMachine(tg.Graph, G.BindDualValues(learn...))
	defer vm.Close()
	solver := G.NewAdamSolver(G.WithLearnRate(lr))
	sampler, err := training.NewClassSampler(tr.Y, batch, 4, seed)
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
		require.Equal(t, [2]float64{beta, gamma}, [2]float64{hist.Epochs[epoch-1].Beta, hist.Epochs[epoch-1].Gamma})
		// validation: the linear decoder on the current weights
		require.NoError(t, m.SetTrainingCodes(tr))
		acc, err := m.Accuracy(va)
		require.NoError(t, err)
		require.Equal(t, hist.Epochs[epoch-1].Score, acc)
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

// TestRunOverTrainingGraphMatchesFit trains the training graph with
// training.Run (the loop Fit runs, with Fit's validation) and requires Fit's
// model and history.
func TestRunOverTrainingGraphMatchesFit(t *testing.T) {
	d := blobs(t, 12, 12, 8, 0.8, 3)
	tr, va, _, err := d.Split(0.25, 0, 3)
	require.NoError(t, err)
	opts := []Option{WithBits(10), WithHidden(12), WithEpochs(3), WithBatchSize(16), WithLearningRate(0.02), WithSeed(4)}
	want, wh, err := fit(context.Background(), tr, va, opts...)
	require.NoError(t, err)

	m, err := New(opts...)
	require.NoError(t, err)
	require.NoError(t, m.Init(tr.Features, tr.Classes))
	tg, err := m.NewTrainingGraph(16)
	require.NoError(t, err)
	defer tg.Close()
	require.NoError(t, tg.Bind(tr))
	s, err := training.NewSampler(tr.Len(), 16, 4)
	require.NoError(t, err)
	h, err := training.Run(context.Background(), tg, s, training.Config{Epochs: 3, LearningRate: 0.02, Patience: 5,
		Validate: func() (float64, error) {
			if err := m.SetTrainingCodes(tr); err != nil {
				return 0, err
			}
			return m.Accuracy(va)
		}})
	require.NoError(t, err)
	require.NoError(t, m.SetTrainingCodes(tr))
	requireSameModel(t, want, m)
	require.Equal(t, wh.Best, h.Best)
	for i := range h.Epochs {
		require.Equal(t, wh.Epochs[i].Loss, h.Epochs[i].Loss)
		require.Equal(t, wh.Epochs[i].Score, h.Epochs[i].Score)
	}
}

// TestBuilderLoopMatchesFitWithSchedule wires the graph by hand from the
// builders (NewNet, Net.Encode, Binarize, Net.Decode, CrossEntropy,
// NewRegulariser, G.Grad), steps it with training.Adam under training.Cosine,
// and requires the model of Fit given the same schedule, seed and
// regulariser weights (adaptive schedule off) bit for bit.
func TestBuilderLoopMatchesFitWithSchedule(t *testing.T) {
	d, _ := latentCodes(t, 24, 10, 16, 12, 0.8, 4)
	tr, va, _, err := d.Split(0.2, 0, 4)
	require.NoError(t, err)
	const seed, epochs, batch, bits, lr, lo = 7, 3, 24, 12, 0.02, 0.001
	const beta, gamma = 0.3, 0.1
	sched := training.Cosine(lr, lo, epochs)

	want, hist, err := fit(context.Background(), tr, va, WithBits(bits), WithEpochs(epochs), WithBatchSize(batch),
		WithSchedule(sched), WithRegulariser(beta, gamma), WithAdaptiveRegulariser(false), WithSeed(seed), WithPatience(0))
	require.NoError(t, err)

	m, err := New(WithBits(bits), WithSeed(seed))
	require.NoError(t, err)
	require.NoError(t, m.Init(tr.Features, tr.Classes))
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
	var params [][]float32
	for _, l := range m.layers() {
		params = append(params, l.W, l.B)
	}
	opt, err := training.NewAdam(params, lr)
	require.NoError(t, err)
	sampler, err := training.NewClassSampler(tr.Y, batch, 4, seed)
	require.NoError(t, err)

	best, bestAcc := m.Clone(), math.Inf(-1)
	labels := make([]int, batch)
	g32 := make([][]float32, len(grads))
	for epoch := 1; epoch <= epochs; epoch++ {
		batches := sampler.Epoch()
		var sum float64
		for bi, rows := range batches {
			require.NoError(t, opt.SetLearningRate(sched(epoch, bi+1, len(batches))))
			xs, ys := xT.Data().([]float32), yT.Data().([]float32)
			for i, r := range rows {
				copy(xs[i*tr.Features:], tr.Row(r))
				ys[i], labels[i] = float32(tr.Y[r]), tr.Y[r]
			}
			require.NoError(t, reg.SetBatch(labels, beta, gamma))
			require.NoError(t, vm.RunAll())
			for i, n := range grads {
				g32[i] = n.Value().Data().([]float32)
			}
			require.NoError(t, opt.Step(g32))
			vm.Reset()
			sum += ce.Last()
		}
		require.Equal(t, hist.Epochs[epoch-1].Loss, sum/float64(len(batches)), "epoch %d loss", epoch)
		acc, err := m.validationAccuracy(va)
		require.NoError(t, err)
		if acc > bestAcc {
			bestAcc, best = acc, m.Clone()
		}
	}
	require.Equal(t, epochs*(tr.Len()/batch), opt.Steps())
	require.NoError(t, best.SetTrainingCodes(tr))
	requireSameModel(t, want, best)

	// The schedule matters: a constant rate gives other weights.
	other, _, err := fit(context.Background(), tr, va, WithBits(bits), WithEpochs(epochs), WithBatchSize(batch),
		WithLearningRate(lr), WithRegulariser(beta, gamma), WithAdaptiveRegulariser(false), WithSeed(seed), WithPatience(0))
	require.NoError(t, err)
	require.NotEqual(t, weightsOf(t, want), weightsOf(t, other))
}

func TestScheduleErrors(t *testing.T) {
	d, _ := latentCodes(t, 6, 8, 8, 6, 0.8, 2)
	_, _, err := fit(context.Background(), d, nil, WithBits(6), WithEpochs(2), WithBatchSize(16),
		WithSchedule(training.Schedule(func(epoch, batch, batches int) float64 {
			if epoch == 2 {
				return math.NaN()
			}
			return 0.01
		})))
	require.ErrorIs(t, err, ErrConfig)
	require.ErrorContains(t, err, "epoch 2, batch 1")
}

func TestTrainingGraphErrors(t *testing.T) {
	d := blobs(t, 6, 8, 8, 0.5, 2)
	m, err := New(WithBits(6), WithRegulariser(0.1, 0.1))
	require.NoError(t, err)
	require.NoError(t, m.Init(8, 6))
	tg, err := m.NewTrainingGraph(4)
	require.NoError(t, err)
	defer tg.Close()
	require.Equal(t, 4, tg.BatchSize())
	beta, gamma := tg.Regulariser()
	require.Equal(t, [2]float64{0.1, 0.1}, [2]float64{beta, gamma})
	_, _, _, err = tg.Step([]int{0, 1, 2, 3})
	require.ErrorIs(t, err, ErrConfig, "Step before Bind")
	require.ErrorIs(t, tg.Bind(blobs(t, 6, 8, 5, 0.5, 2)), ErrShape)
	require.NoError(t, tg.Bind(d))
	_, _, _, err = tg.Step([]int{0, 1, 2})
	require.ErrorIs(t, err, ErrShape)
	require.ErrorIs(t, tg.SetRegulariser(-1, 0), ErrConfig)
	require.ErrorIs(t, tg.SetRegulariser(0, math.Inf(1)), ErrConfig)
	loss, acc, grads, err := tg.Step([]int{0, 1, 2, 3})
	require.NoError(t, err)
	require.False(t, math.IsNaN(loss))
	require.True(t, acc >= 0 && acc <= 1)
	require.Len(t, grads, len(tg.Params()))
	for i, g := range grads {
		require.Len(t, g, len(tg.Params()[i]))
	}
	require.Equal(t, &m.Decoder.W[0], &tg.Params()[len(grads)-2][0], "Params are the model's weights")
}

func TestStrings(t *testing.T) {
	m, err := New(WithHidden(8), WithBits(6), WithSymmetricCodes(false))
	require.NoError(t, err)
	require.NoError(t, m.Init(10, 5))
	want := `DSNC model (float32, linear decoding): 10 features → 8 ReLU → 6-bit code → 5 classes
  hidden 1      10 × 8              88 params
  code           8 × 6              54 params
  decoder        6 × 5              35 params
  total 177 params; 0 distinct training codes`
	require.Equal(t, want, m.String())
	for d, s := range map[Decoding]string{
		{}:                                    "linear",
		{Kind: NearestDecoding}:               "nearest",
		{Kind: NearestDecoding, Neighbors: 3}: "nearest (3 neighbours)",
		{Kind: TableDecoding, TableOf: NearestDecoding}: "table of nearest",
	} {
		require.Equal(t, s, d.String())
	}
}
