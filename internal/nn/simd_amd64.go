//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// haveAVX2 selects the AVX2 kernels of simd_amd64.s; without AVX2 (or with
// the purego tag, or on other architectures) the pure-Go loops run. Both
// give the same values element by element: the kernels perform the same
// IEEE operations, eight lanes at a time, without fused multiply-adds.
var haveAVX2 = cpu.X86.HasAVX2

//go:noescape
func expShiftSumAVX2(dst, x *float32, n int, shift float32) float64

//go:noescape
func maxAVX2(x *float32, n int) float32

//go:noescape
func scaleAVX2(dst, src *float32, n int, a float32)

// haveFMA selects gaxpyAVX2, which fuses multiply-adds (graph-free
// inference only: training never uses it, so that its results do not
// depend on the CPU's features beyond the BLAS).
var haveFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func gaxpyAVX2(y *float32, n int, w *float32, stride int, idx *int32, xv *float32, k int)

//go:noescape
func reluAVX2(x *float32, n int)
