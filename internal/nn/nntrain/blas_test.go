package nntrain

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/labelcode/labelcode/internal/nn/openblas"
)

// TestGorgoniaBLAS checks which BLAS gorgonia's graphs use: netlib's
// (OpenBLAS) with the openblas tag, gonum's own without.
func TestGorgoniaBLAS(t *testing.T) {
	want := "gonum.Implementation"
	if openblas.Enabled {
		want = "netlib.Implementation"
	}
	if got := fmt.Sprintf("%T", G.WhichBLAS()); got != want {
		t.Errorf("gorgonia uses %s, want %s", got, want)
	}
}
