package decode_test

import (
	"context"
	"fmt"
	"math"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
	"gonum.org/v1/gonum/mat"
)

// logSoftmax turns logits into log-probabilities.
func logSoftmax(v []float64) []float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = max(mx, x)
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x - mx - math.Log(s)
	}
	return out
}

// A mixed label mapping of 1000 labels on sites of 37 and 41 classes: each
// base learner scores its site's symbols, and max-product decoding picks
// the label whose symbols score best together.
func ExampleMaxProduct() {
	m, err := codes.NewPrimeResidue(1000, []int{37, 41})
	if err != nil {
		panic(err)
	}
	d, err := decode.NewMaxProduct(m)
	if err != nil {
		panic(err)
	}
	// Label y has symbols (y mod 37, y mod 41). The first learner is sure
	// of symbol 12; the second hesitates between symbols 5 and 0, so the
	// best labels are 456 = (12, 5) and 123 = (12, 0).
	logits0 := make([]float64, 37)
	logits0[12] = 5
	logits1 := make([]float64, 41)
	logits1[0], logits1[5] = 3, 3.2
	logp := [][]float64{logSoftmax(logits0), logSoftmax(logits1)}

	best, err := d.Decode(logp)
	if err != nil {
		panic(err)
	}
	fmt.Printf("label %d, log-probability %.3f\n", best.Label, best.Score)
	top, err := d.TopK(logp, 3, nil)
	if err != nil {
		panic(err)
	}
	for i, s := range top {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%d (%.3f)", s.Label, s.Score)
	}
	fmt.Println()

	// With the second learner down (nil), the first alone cannot tell 12,
	// 49, 86, ... apart: the smallest such label wins.
	alone, err := d.Decode([][]float64{logp[0], nil})
	if err != nil {
		panic(err)
	}
	fmt.Println("first site only:", alone.Label)
	// Output:
	// label 456, log-probability -1.443
	// 456 (-1.443), 123 (-1.643), 12 (-4.643)
	// first site only: 12
}

// Nearest-neighbour decoding of DSNC codes: training codes and their
// labels go into a hamming index; a new code gets the label of the nearest.
func ExampleHammingNN() {
	idx := hamming.NewLinear(8)
	labels := []int{}
	for _, c := range []struct {
		code  uint64
		label int
	}{{0b0000_1111, 0}, {0b0000_0111, 0}, {0b1111_0000, 1}, {0b1110_0000, 1}, {0b1010_1010, 2}} {
		idx.Add([]uint64{c.code})
		labels = append(labels, c.label)
	}
	nn, err := decode.NewHammingNN(idx, labels, 3, 1)
	if err != nil {
		panic(err)
	}
	v, err := nn.Decode([]uint64{0b0001_1111})
	if err != nil {
		panic(err)
	}
	fmt.Printf("1-NN: label %d at distance %d\n", v.Label, v.Nearest)

	// The 3 nearest vote: two codes of label 1 outvote one of label 2.
	nn3, err := decode.NewHammingNN(idx, labels, 3, 3)
	if err != nil {
		panic(err)
	}
	votes, err := nn3.Votes([]uint64{0b1110_1010}, nil)
	if err != nil {
		panic(err)
	}
	for _, v := range votes {
		fmt.Printf("label %d: %d votes, distances %d\n", v.Label, v.Votes, v.DistanceSum)
	}
	// Output:
	// 1-NN: label 0 at distance 1
	// label 1: 2 votes, distances 5
	// label 2: 1 votes, distances 1
}

// The linear decoder of DSNC, and its table: one read per decode.
func ExampleNewTableFromLinear() {
	// 3 classes, 4 bits: bit 0 favours class 0, bit 1 class 1, bits 2
	// and 3 class 2; ties go to the smaller class.
	w := mat.NewDense(3, 4, []float64{
		1, 0, 0, 0,
		0, 1, 0, 0,
		0, 0, 0.5, 1,
	})
	lin, err := decode.NewLinear(w, []float64{0.1, 0, 0})
	if err != nil {
		panic(err)
	}
	tb, err := decode.NewTableFromLinear(context.Background(), lin, nil)
	if err != nil {
		panic(err)
	}
	for _, code := range []uint64{0b0000, 0b0010, 0b1010, 0b1100} {
		s, _ := lin.Decode([]uint64{code})
		fmt.Printf("%04b: class %d (score %.1f), table %d\n", code, s.Label, s.Score, tb.Lookup(code))
	}
	// Output:
	// 0000: class 0 (score 0.1), table 0
	// 0010: class 1 (score 1.0), table 1
	// 1010: class 1 (score 1.0), table 1
	// 1100: class 2 (score 1.5), table 2
}

// Binary ECOC decoding: hard bits by Hamming distance, soft bit
// probabilities by loss.
func ExampleECOC() {
	m, err := codes.NewBinary(6) // 3 bits: label y is y's binary digits
	if err != nil {
		panic(err)
	}
	e, err := decode.NewECOC(m)
	if err != nil {
		panic(err)
	}
	// Bits 111 = 7 is no label; 3 (011) and 5 (101) are at distance 1.
	hard, _ := e.DecodeBits([]uint64{0b111})
	fmt.Println("hard:", hard.Label, "distance", -hard.Score)
	// Bit 0 surely 1, bit 1 likely 0, bit 2 unsure: label 5 (101) or 1 (001).
	soft, _ := e.TopKSoft([]float64{0.95, 0.2, 0.55}, decode.LogisticLoss, 2, nil)
	for _, s := range soft {
		fmt.Printf("label %d loss %.3f\n", s.Label, -s.Score)
	}
	// Output:
	// hard: 3 distance 1
	// label 5 loss 1.423
	// label 1 loss 1.523
}
