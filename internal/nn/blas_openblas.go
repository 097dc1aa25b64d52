//go:build openblas

package nn

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// Backend names the BLAS behind training and prediction: "openblas" in a
// build with the openblas tag.
const Backend = "openblas"

// In a build with the openblas tag, gorgonia's graphs (G.Use, process-wide)
// and gonum's blas32 and blas64 packages (which the graph-free forward
// passes of labelmap and dsnc call) all run on OpenBLAS through cgo.
func init() {
	impl := netlib.Implementation{}
	G.Use(impl)
	blas32.Use(impl)
	blas64.Use(impl)
}
