package dsnc_test

import (
	"context"
	"fmt"
	"math"

	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/training"
)

// A training loop of one's own over Fit's parts: the model's training
// graph (a training.Model), the module's Sampler and Adam with a rate set at
// every step (here a cosine schedule). Given the same schedule and seed,
// Fit computes the same model bit for bit.
func ExampleModel_NewTrainingGraph() {
	data := clusters(20, 3)
	const seed, epochs, batch = 1, 10, 100
	opts := []dsnc.Option{dsnc.WithBits(12), dsnc.WithEpochs(epochs), dsnc.WithBatchSize(batch), dsnc.WithSeed(seed)}
	m, err := dsnc.New(opts...)
	if err != nil {
		panic(err)
	}
	if err := m.Init(data.Features, data.Classes); err != nil {
		panic(err)
	}
	tg, err := m.NewTrainingGraph(batch)
	if err != nil {
		panic(err)
	}
	defer tg.Close()
	if err := tg.Bind(data); err != nil {
		panic(err)
	}
	opt, err := training.NewAdam(tg.Params(), 0.02)
	if err != nil {
		panic(err)
	}
	schedule := training.Cosine(0.02, 0.001, epochs)
	sampler, err := training.NewSampler(data.Len(), batch, seed)
	if err != nil {
		panic(err)
	}
	for epoch := 1; epoch <= epochs; epoch++ {
		for b, rows := range sampler.Epoch() {
			if err := opt.SetLearningRate(schedule(epoch, b+1, sampler.Batches())); err != nil {
				panic(err)
			}
			_, _, grads, err := tg.Step(rows)
			if err != nil {
				panic(err)
			}
			if err := opt.Step(grads); err != nil {
				panic(err)
			}
		}
	}
	if err := m.SetTrainingCodes(data); err != nil { // and prepare prediction
		panic(err)
	}
	acc, err := m.Accuracy(data)
	if err != nil {
		panic(err)
	}

	fm, err := dsnc.New(append(opts, dsnc.WithSchedule(schedule))...)
	if err != nil {
		panic(err)
	}
	if _, err := fm.Fit(context.Background(), data, nil); err != nil {
		panic(err)
	}
	a, _ := m.MarshalBinary()
	b, _ := fm.MarshalBinary()
	fmt.Printf("%d steps, last rate %.4f, training accuracy %.2f; same as Fit: %v\n",
		opt.Steps(), opt.LearningRate(), math.Round(acc*100)/100, string(a) == string(b))
	// Output:
	// 60 steps, last rate 0.0010, training accuracy 1.00; same as Fit: true
}
