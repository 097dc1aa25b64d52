package labelmap_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/labelmap"
)

// circle returns n rows of 12 classes: class c is the point at angle
// 30°·c on the unit circle, plus Gaussian noise.
func circle(n int, seed uint64) *labelcode.Dataset {
	rng := rand.New(rand.NewPCG(seed, 2))
	var x []float32
	var y []int
	for i := 0; i < n; i++ {
		c := i % 12
		a := 2 * math.Pi * float64(c) / 12
		x = append(x, float32(math.Cos(a)+0.05*rng.NormFloat64()), float32(math.Sin(a)+0.05*rng.NormFloat64()))
		y = append(y, c)
	}
	d, err := labelcode.NewDataset(x, y, 2, 12)
	if err != nil {
		panic(err)
	}
	return d
}

// An ensemble of two base learners, one per site of the prime-residue
// mapping y -> (y mod 3, y mod 5) of 12 classes, trained independently and
// decoded exactly by max-product. The runner-up of class 1 is class 10,
// which shares its first site's symbol (10 mod 3 = 1).
func ExampleEnsemble() {
	train, test := circle(600, 1), circle(120, 2)
	m, err := codes.NewPrimeResidue(12, []int{3, 5}) // y -> (y mod 3, y mod 5)
	if err != nil {
		panic(err)
	}
	e, err := labelmap.NewEnsemble(m,
		labelmap.WithHidden(16), labelmap.WithEpochs(20), labelmap.WithLearningRate(0.02), labelmap.WithBatchSize(32), labelmap.WithSeed(1))
	if err != nil {
		panic(err)
	}
	if _, err := e.Fit(context.Background(), train, nil); err != nil {
		panic(err)
	}
	acc, err := e.Accuracy(test)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d sites, %d weights, test accuracy %.2f\n", e.Sites(), e.Params(), acc)

	y, _ := e.Predict([]float32{0, 1}) // angle 90°: class 3
	top, _ := e.TopK([]float32{0.87, 0.5}, 2, nil)
	fmt.Printf("(0, 1) is class %d; (0.87, 0.5) is class %d (log score %.1f), then %d\n",
		y, top[0].Label, top[0].Score, top[1].Label)
	// Output:
	// 2 sites, 232 weights, test accuracy 0.92
	// (0, 1) is class 3; (0.87, 0.5) is class 1 (log score -0.1), then 10
}
