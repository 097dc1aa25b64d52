package dsnc_test

import (
	"context"
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/labelcode/labelcode/dsnc"
)

// A training loop of one's own over Fit's parts: the training graph, a
// tape machine, Fit's minibatches and Adam with a rate set at every step
// (here a cosine schedule). Given the same schedule and seed, Fit computes
// the same model bit for bit.
func ExampleNewAdam() {
	train := clusters(20, 3)
	const seed, epochs, batch = 1, 10, 100
	m, err := dsnc.NewModel(dsnc.Config{Features: train.Features, Bits: 12, Classes: train.Classes, Symmetric: true}, seed)
	if err != nil {
		panic(err)
	}
	tg, err := dsnc.NewTrainingGraph(m, batch, false, seed)
	if err != nil {
		panic(err)
	}
	vm := G.NewTapeMachine(tg.Graph)
	defer vm.Close()
	opt, err := dsnc.NewAdam(m, 0.02)
	if err != nil {
		panic(err)
	}
	schedule := dsnc.CosineSchedule(0.02, 0.001, epochs)
	sampler, err := dsnc.NewSampler(train.Y, batch, 0, false, seed)
	if err != nil {
		panic(err)
	}
	for epoch := 0; epoch < epochs; epoch++ {
		batches := sampler.Epoch()
		for b, rows := range batches {
			if err := opt.SetLearnRate(schedule(epoch, b, len(batches))); err != nil {
				panic(err)
			}
			if err := tg.SetBatch(train, rows, 0, 0); err != nil {
				panic(err)
			}
			if err := vm.RunAll(); err != nil {
				panic(err)
			}
			if err := opt.Step(tg.Grads); err != nil {
				panic(err)
			}
			vm.Reset()
		}
	}
	if err := m.SetTrainingCodes(train); err != nil {
		panic(err)
	}
	acc, err := dsnc.ValidationAccuracy(m, train)
	if err != nil {
		panic(err)
	}

	fm, _, err := dsnc.Fit(context.Background(), train, nil, dsnc.WithBits(12), dsnc.WithEpochs(epochs),
		dsnc.WithBatchSize(batch), dsnc.WithSchedule(schedule), dsnc.WithSeed(seed))
	if err != nil {
		panic(err)
	}
	a, _ := m.MarshalBinary()
	b, _ := fm.MarshalBinary()
	fmt.Printf("%d steps, last rate %.4f, training accuracy %.2f; same as Fit: %v\n",
		opt.Steps(), opt.LearnRate(), math.Round(acc*100)/100, string(a) == string(b))
	// Output:
	// 60 steps, last rate 0.0010, training accuracy 1.00; same as Fit: true
}
