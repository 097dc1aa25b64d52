package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/internal/limits"
)

// The linear passes are the log-softmax passes without their last step:
// the same bits once LogSoftmax is applied to each head.
func TestForwardLinear(t *testing.T) {
	n, err := NewNet(Spec{Inputs: 9, Hidden: []int{16, 12}, Heads: []int{5, 11}}, 3, limits.DefaultMaxWeights)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const rows = 7
	x := make([]float32, rows*9)
	for i := range x {
		if r.IntN(3) > 0 { // zeros exercise the skipped rows
			x[i] = float32(r.NormFloat64())
		}
	}
	var ws Workspace
	want := n.ForwardBatch(x, rows, &ws, nil)
	lin := n.ForwardBatchLinear(x, rows, &ws, nil)
	for row := range rows {
		one := n.ForwardLinear(x[row*9:(row+1)*9], &ws, nil)
		off := 0
		for _, k := range n.Spec.Heads {
			LogSoftmax(one[off : off+k])
			b := lin[row*16+off : row*16+off+k]
			LogSoftmax(b)
			for j := range k {
				w := want[row*16+off+j]
				if math.Float32bits(b[j]) != math.Float32bits(w) {
					t.Fatalf("row %d head output %d: batch linear + LogSoftmax %v, ForwardBatch %v", row, off+j, b[j], w)
				}
				if d := math.Abs(float64(one[off+j] - w)); d > 1e-5 {
					t.Fatalf("row %d output %d: linear + LogSoftmax %v, ForwardBatch %v", row, off+j, one[off+j], w)
				}
			}
			off += k
		}
	}
}
