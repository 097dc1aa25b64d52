//go:build openblas

package nntrain

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"

	_ "github.com/labelcode/labelcode/internal/nn/openblas" // links OpenBLAS and switches gonum's BLAS
)

// gorgonia's graphs (G.Use, process-wide) run their matrix products on
// OpenBLAS through cgo, like gonum's blas32 and blas64 (package openblas).
func init() { G.Use(netlib.Implementation{}) }
