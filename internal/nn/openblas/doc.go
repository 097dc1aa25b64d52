// Package openblas switches the BLAS of gonum's blas32 and blas64 packages
// to OpenBLAS (nntrain does the same for gorgonia's graphs), through
// gonum.org/v1/netlib's cgo bindings, when the module is built with the
// openblas tag (go build -tags openblas; needs a C toolchain and
// libopenblas-dev). Without the tag it does nothing and needs no C
// toolchain: gonum's pure-Go BLAS stays in use. Package nn imports it, so
// every user of nn gets the switch. It never imports gorgonia.
package openblas
