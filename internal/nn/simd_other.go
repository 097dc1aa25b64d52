//go:build !amd64 || purego

package nn

const haveAVX2 = false

func expShiftSumAVX2(dst, x *float32, n int, shift float32) float64 { panic("nn: no AVX2") }
func maxAVX2(x *float32, n int) float32                             { panic("nn: no AVX2") }
func scaleAVX2(dst, src *float32, n int, a float32)                 { panic("nn: no AVX2") }

const haveFMA = false

func gaxpyAVX2(y *float32, n int, w *float32, stride int, idx *int32, xv *float32, k int) {
	panic("nn: no FMA")
}

func reluAVX2(x *float32, n int) { panic("nn: no AVX2") }
