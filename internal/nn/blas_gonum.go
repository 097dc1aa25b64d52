//go:build !openblas

package nn

// Backend names the BLAS behind training and prediction: "gonum", gonum's
// pure-Go implementation, unless the module is built with the openblas tag.
const Backend = "gonum"
