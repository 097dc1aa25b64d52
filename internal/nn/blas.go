package nn

import "github.com/labelcode/labelcode/internal/nn/openblas"

// Backend names the BLAS behind training and prediction: "openblas" in a
// build with the openblas tag (package openblas, imported here, switches
// gorgonia and gonum's blas32 and blas64 to it), else "gonum", gonum's
// pure-Go implementation.
var Backend = backend()

func backend() string {
	if openblas.Enabled {
		return "openblas"
	}
	return "gonum"
}
