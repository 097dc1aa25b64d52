package openblas

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestSwitch checks which BLAS blas32 and blas64 use: netlib's
// (OpenBLAS) with the openblas tag, gonum's own without.
func TestSwitch(t *testing.T) {
	want := "gonum.Implementation"
	if Enabled {
		want = "netlib.Implementation"
		if Threads() < 1 {
			t.Errorf("OpenBLAS reports %d threads", Threads())
		}
	}
	for name, impl := range map[string]any{"blas32": blas32.Implementation(), "blas64": blas64.Implementation()} {
		if got := fmt.Sprintf("%T", impl); got != want {
			t.Errorf("%s uses %s, want %s", name, got, want)
		}
	}
}
