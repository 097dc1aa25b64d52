//go:build openblas

package openblas

// #cgo LDFLAGS: -lopenblas
// int openblas_get_num_threads(void);
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Enabled reports whether this build links OpenBLAS (the openblas tag).
const Enabled = true

// gonum's blas32 and blas64 packages (which the graph-free forward passes
// of labelmap and dsnc call) run on OpenBLAS through cgo; package nntrain
// switches gorgonia's graphs the same way in its openblas build.
func init() {
	impl := netlib.Implementation{}
	blas32.Use(impl)
	blas64.Use(impl)
}

// Threads returns the number of threads OpenBLAS runs matrix products on
// (all cores unless OPENBLAS_NUM_THREADS says otherwise); 0 without the
// openblas tag.
func Threads() int { return int(C.openblas_get_num_threads()) }

// SetThreads sets the number of threads OpenBLAS runs matrix products on,
// process-wide (n < 1 is taken as 1); it does nothing without the openblas
// tag.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(max(n, 1))) }
