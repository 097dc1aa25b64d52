package labelmap_test

import (
	"fmt"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// A shared-trunk Label Mapping network trained by a loop of one's own:
// Fit's initial weights (Init), its graph with one loss per site, and
// package training's minibatches and optimizer, here with a learning rate
// halved every 10 epochs. The model it trains predicts by max-product like
// a fitted one.
func ExampleMultiHead_NewTrainingGraph() {
	data, test := circle(600, 1), circle(120, 2)
	m, err := codes.NewPrimeResidue(12, []int{3, 5})
	if err != nil {
		panic(err)
	}
	h, err := labelmap.NewMultiHead(m, labelmap.WithHidden(16), labelmap.WithSeed(1))
	if err != nil {
		panic(err)
	}
	if err := h.Init(data.Features); err != nil {
		panic(err)
	}
	g, err := h.NewTrainingGraph(32)
	if err != nil {
		panic(err)
	}
	defer g.Close()
	step, err := g.Bind(data) // the graph on these rows, relabelled for every site
	if err != nil {
		panic(err)
	}
	sampler, err := training.NewSampler(data.Len(), 32, 1)
	if err != nil {
		panic(err)
	}
	opt, err := training.NewAdam(g.Params(), 0.02)
	if err != nil {
		panic(err)
	}
	for epoch := 0; epoch < 30; epoch++ {
		if err := opt.SetLearningRate(0.02 / float64(int(1)<<(epoch/10))); err != nil {
			panic(err)
		}
		for _, rows := range sampler.Epoch() {
			_, _, grads, err := step.Step(rows) // loads the rows, runs forward and backward
			if err != nil {
				panic(err)
			}
			if err := opt.Step(grads); err != nil {
				panic(err)
			}
		}
	}
	acc, err := h.Accuracy(test)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d steps; site losses %.1f and %.1f; test accuracy %.2f\n", opt.Steps(), g.SiteLoss(0), g.SiteLoss(1), acc)
	// Output:
	// 540 steps; site losses 0.1 and 0.1; test accuracy 1.00
}
