//go:build amd64 && !purego

package nntrain

import "golang.org/x/sys/cpu"

// haveAVX2 selects the training kernels of simd_amd64.s (Adam and the ReLU
// gradient); without AVX2 (or with the purego tag, or on other
// architectures) the pure-Go loops run and give the same values element by
// element. haveFMA selects nn.SumRows for the bias gradients, which then
// adds rows in the same order as the scalar loop.
var (
	haveAVX2 = cpu.X86.HasAVX2
	haveFMA  = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, k *adamConsts32, fused bool)

//go:noescape
func reluGradAVX2(dz, dy, y *float32, n int)
