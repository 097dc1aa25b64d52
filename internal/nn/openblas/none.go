//go:build !openblas

package openblas

// Enabled reports whether this build links OpenBLAS (the openblas tag).
const Enabled = false

// Threads returns the number of threads OpenBLAS runs matrix products on
// (all cores unless OPENBLAS_NUM_THREADS says otherwise); 0 without the
// openblas tag.
func Threads() int { return 0 }

// SetThreads sets the number of threads OpenBLAS runs matrix products on,
// process-wide (n < 1 is taken as 1); it does nothing without the openblas
// tag.
func SetThreads(n int) {}
