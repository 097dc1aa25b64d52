package labelcode_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestGorgoniaStarts guards the go4.org/unsafe/assume-no-moving-gc pin in
// go.mod: without it, any binary linking gorgonia panics at start under
// Go 1.26, so this test binary would not even reach this function.
func TestGorgoniaStarts(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 2), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))))
	w := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 2), G.WithName("w"),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 0, 0, 1}))))
	y := G.Must(G.Mul(x, w))
	cost := G.Must(G.Sum(y))
	_, err := G.Grad(cost, w)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	require.InDelta(t, 10.0, cost.Value().Data().(float32), 1e-6)
	gw, err := w.Grad()
	require.NoError(t, err)
	// d(sum(x·w))/dw[i][j] = sum_k x[k][i]
	require.Equal(t, []float32{4, 4, 6, 6}, gw.Data().([]float32))
}
