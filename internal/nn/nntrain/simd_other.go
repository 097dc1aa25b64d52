//go:build !amd64 || purego

package nntrain

const (
	haveAVX2 = false
	haveFMA  = false
)

func adamAVX2(p, grad, m, v *float32, n int, k *adamConsts32, fused bool) { panic("nntrain: no AVX2") }
func reluGradAVX2(dz, dy, y *float32, n int)                              { panic("nntrain: no AVX2") }
