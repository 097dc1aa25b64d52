//go:build amd64 && !purego

#include "textflag.h"

// Constants of exp32 (exp.go), float32 bit patterns.
DATA expc<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc<>+4(SB)/4, $0x4b400000  // 1.5·2^23, rounds to an integer
DATA expc<>+8(SB)/4, $0x3f318000  // ln2, high part
DATA expc<>+12(SB)/4, $0xb95e8083 // ln2, low part (negated)
DATA expc<>+16(SB)/4, $0x39506967 // p5
DATA expc<>+20(SB)/4, $0x3ab743ce // p4
DATA expc<>+24(SB)/4, $0x3c088908 // p3
DATA expc<>+28(SB)/4, $0x3d2aa9c1 // p2
DATA expc<>+32(SB)/4, $0x3e2aaaaa // p1
DATA expc<>+36(SB)/4, $0x3f000000 // p0
DATA expc<>+40(SB)/4, $0x3f800000 // 1
DATA expc<>+44(SB)/4, $0xc2aea8f6 // -87.33, below which e^x is 0
DATA expc<>+48(SB)/4, $127        // exponent bias
DATA expc<>+52(SB)/4, $0xff800000 // -Inf
GLOBL expc<>(SB), RODATA|NOPTR, $56

// func expShiftSumAVX2(dst, x *float32, n int, shift float32) float64
//
// dst[i] = exp32(x[i] - shift) for i < n (n a multiple of 8), with exactly
// exp32's operations (no FMA), so that every element equals the scalar
// result; returns Σ dst[i] in float64 over 8 lanes.
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VBROADCASTSS expc<>+0(SB), Y14  // log2e
	VBROADCASTSS expc<>+4(SB), Y13  // round
	VBROADCASTSS expc<>+8(SB), Y12  // ln2hi
	VBROADCASTSS expc<>+12(SB), Y11 // ln2lo
	VBROADCASTSS expc<>+40(SB), Y10 // 1
	VBROADCASTSS expc<>+44(SB), Y9  // limit
	VPBROADCASTD expc<>+48(SB), Y8  // 127
	VXORPD Y6, Y6, Y6               // sums of the low 4 lanes
	VXORPD Y7, Y7, Y7               // sums of the high 4 lanes
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (SI), Y0
	VSUBPS  Y15, Y0, Y0     // x = x - shift
	VCMPPS  $5, Y9, Y0, Y5  // keep = !(x < limit), true for NaN
	VMULPS  Y14, Y0, Y1     // t = x·log2e
	VADDPS  Y13, Y1, Y1     // t + round
	VSUBPS  Y13, Y1, Y1     // n = (t + round) - round
	VMULPS  Y12, Y1, Y2
	VSUBPS  Y2, Y0, Y2      // r = x - n·ln2hi
	VMULPS  Y11, Y1, Y3
	VSUBPS  Y3, Y2, Y2      // r = r - n·ln2lo
	VBROADCASTSS expc<>+16(SB), Y3
	VMULPS  Y2, Y3, Y3      // p5·r
	VBROADCASTSS expc<>+20(SB), Y4
	VADDPS  Y4, Y3, Y3      // + p4
	VMULPS  Y2, Y3, Y3
	VBROADCASTSS expc<>+24(SB), Y4
	VADDPS  Y4, Y3, Y3      // + p3
	VMULPS  Y2, Y3, Y3
	VBROADCASTSS expc<>+28(SB), Y4
	VADDPS  Y4, Y3, Y3      // + p2
	VMULPS  Y2, Y3, Y3
	VBROADCASTSS expc<>+32(SB), Y4
	VADDPS  Y4, Y3, Y3      // + p1
	VMULPS  Y2, Y3, Y3
	VBROADCASTSS expc<>+36(SB), Y4
	VADDPS  Y4, Y3, Y3      // + p0
	VMULPS  Y2, Y2, Y4      // r·r
	VMULPS  Y4, Y3, Y3      // p·(r·r)
	VADDPS  Y2, Y3, Y3      // + r
	VADDPS  Y10, Y3, Y3     // + 1
	VCVTTPS2DQ Y1, Y1       // int32(n)
	VPADDD  Y8, Y1, Y1
	VPSLLD  $23, Y1, Y1     // 2^n
	VMULPS  Y1, Y3, Y3      // p·2^n
	VANDPS  Y5, Y3, Y3      // 0 below the limit
	VMOVUPS Y3, (DI)
	VCVTPS2PD X3, Y4
	VADDPD  Y4, Y6, Y6
	VEXTRACTF128 $1, Y3, X3
	VCVTPS2PD X3, Y4
	VADDPD  Y4, Y7, Y7
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loop

done:
	VADDPD Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X7
	VADDPD X7, X6, X6
	VHADDPD X6, X6, X6
	VZEROUPPER
	MOVSD X6, ret+32(FP)
	RET

// func maxAVX2(x *float32, n int) float32
//
// Returns the largest of x[0:n] ignoring NaNs, -Inf if there is none (n a
// multiple of 8).
TEXT ·maxAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS expc<>+52(SB), Y0 // -Inf
	SHRQ $3, CX
	JZ   reduce

loop:
	VMOVUPS (SI), Y1
	VMAXPS  Y0, Y1, Y0      // (x > m) ? x : m, so a NaN x is skipped
	ADDQ $32, SI
	DECQ CX
	JNZ  loop

reduce:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+16(FP)
	RET

// func scaleAVX2(dst, src *float32, n int, a float32)
//
// dst[i] = a·src[i] for i < n (n a multiple of 8).
TEXT ·scaleAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS a+24(FP), Y1
	SHRQ $3, CX
	JZ   done

loop:
	VMULPS (SI), Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET

// func gaxpyAVX2(y *float32, n int, w *float32, stride int, idx *int32, xv *float32, k int)
//
// y[0:n] += Σ_{t<k} xv[t]·w[idx[t]·stride : idx[t]·stride+n], n >= 8
// (nothing is done for a smaller n), with fused multiply-adds in the order
// of idx: each y[j] becomes the same chain of k multiply-adds whatever the
// grouping below. The vectors of y at 0, 8, ... below n-8 are loaded and
// stored once per group of rows; the last vector, y[n-8:n] (which may
// overlap the one before it: those columns get the same chain twice), is
// held in Y1 from start to end, so that no column is left to scalar code.
// Rows are taken eight at a time (one load and one store of y per eight
// rows: measured 13% faster than four at a time on a 1024×512 layer),
// then four, then one. The eight-row pass has no spare register for idx,
// xv and k: it keeps them in their argument slots. (R14 and R15 are left
// alone: the g register and the dynamic-linking temporary.)
TEXT ·gaxpyAVX2(SB), NOSPLIT, $0-56
	MOVQ n+8(FP), CX
	CMPQ CX, $8
	JLT  none
	MOVQ y+0(FP), DI
	LEAQ -32(DI)(CX*4), AX
	VMOVUPS (AX), Y1        // y[n-8:n]

oct:
	CMPQ k+48(FP), $8
	JLT  quadsetup
	// Rows idx[0..7] of w and their weights.
	MOVQ w+16(FP), R13
	MOVQ stride+24(FP), CX
	SHLQ $2, CX             // stride in bytes
	MOVQ idx+32(FP), DI
	MOVLQSX 0(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), BX
	MOVLQSX 4(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), DX
	MOVLQSX 8(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), SI
	MOVLQSX 12(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), R8
	MOVLQSX 16(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), R9
	MOVLQSX 20(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), R10
	MOVLQSX 24(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), R11
	MOVLQSX 28(DI), AX
	IMULQ CX, AX
	LEAQ (R13)(AX*1), R12
	ADDQ $32, DI
	MOVQ DI, idx+32(FP)
	MOVQ xv+40(FP), DI
	VBROADCASTSS 0(DI), Y4
	VBROADCASTSS 4(DI), Y5
	VBROADCASTSS 8(DI), Y6
	VBROADCASTSS 12(DI), Y7
	VBROADCASTSS 16(DI), Y8
	VBROADCASTSS 20(DI), Y9
	VBROADCASTSS 24(DI), Y10
	VBROADCASTSS 28(DI), Y11
	ADDQ $32, DI
	MOVQ DI, xv+40(FP)
	SUBQ $8, k+48(FP)
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	LEAQ -32(CX*4), CX      // byte offset of the last vector
	XORQ AX, AX             // byte offset in the rows
	CMPQ AX, CX
	JGE  octlast

octloop:
	VMOVUPS (DI)(AX*1), Y0
	VFMADD231PS (BX)(AX*1), Y4, Y0
	VFMADD231PS (DX)(AX*1), Y5, Y0
	VFMADD231PS (SI)(AX*1), Y6, Y0
	VFMADD231PS (R8)(AX*1), Y7, Y0
	VFMADD231PS (R9)(AX*1), Y8, Y0
	VFMADD231PS (R10)(AX*1), Y9, Y0
	VFMADD231PS (R11)(AX*1), Y10, Y0
	VFMADD231PS (R12)(AX*1), Y11, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  octloop

octlast:
	VFMADD231PS (BX)(CX*1), Y4, Y1
	VFMADD231PS (DX)(CX*1), Y5, Y1
	VFMADD231PS (SI)(CX*1), Y6, Y1
	VFMADD231PS (R8)(CX*1), Y7, Y1
	VFMADD231PS (R9)(CX*1), Y8, Y1
	VFMADD231PS (R10)(CX*1), Y9, Y1
	VFMADD231PS (R11)(CX*1), Y10, Y1
	VFMADD231PS (R12)(CX*1), Y11, Y1
	JMP  oct

quadsetup:
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	LEAQ -32(CX*4), CX      // byte offset of the last vector
	MOVQ w+16(FP), SI
	MOVQ stride+24(FP), R8
	SHLQ $2, R8             // stride in bytes
	MOVQ idx+32(FP), R9
	MOVQ xv+40(FP), R10
	MOVQ k+48(FP), R11

quad:
	CMPQ R11, $4
	JLT  single
	// Rows idx[0..3] of w and their weights.
	MOVLQSX 0(R9), AX
	IMULQ R8, AX
	LEAQ (SI)(AX*1), R12
	MOVLQSX 4(R9), AX
	IMULQ R8, AX
	LEAQ (SI)(AX*1), R13
	MOVLQSX 8(R9), AX
	IMULQ R8, AX
	LEAQ (SI)(AX*1), DX
	MOVLQSX 12(R9), AX
	IMULQ R8, AX
	LEAQ (SI)(AX*1), BX
	VBROADCASTSS 0(R10), Y4
	VBROADCASTSS 4(R10), Y5
	VBROADCASTSS 8(R10), Y6
	VBROADCASTSS 12(R10), Y7
	XORQ AX, AX             // byte offset in the rows
	CMPQ AX, CX
	JGE  quadlast

quadloop:
	VMOVUPS (DI)(AX*1), Y0
	VFMADD231PS (R12)(AX*1), Y4, Y0
	VFMADD231PS (R13)(AX*1), Y5, Y0
	VFMADD231PS (DX)(AX*1), Y6, Y0
	VFMADD231PS (BX)(AX*1), Y7, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  quadloop

quadlast:
	VFMADD231PS (R12)(CX*1), Y4, Y1
	VFMADD231PS (R13)(CX*1), Y5, Y1
	VFMADD231PS (DX)(CX*1), Y6, Y1
	VFMADD231PS (BX)(CX*1), Y7, Y1
	ADDQ $16, R9
	ADDQ $16, R10
	SUBQ $4, R11
	JMP  quad

single:
	TESTQ R11, R11
	JZ   done
	MOVLQSX 0(R9), AX
	IMULQ R8, AX
	LEAQ (SI)(AX*1), R12
	VBROADCASTSS 0(R10), Y4
	XORQ AX, AX
	CMPQ AX, CX
	JGE  singlelast

singleloop:
	VMOVUPS (DI)(AX*1), Y0
	VFMADD231PS (R12)(AX*1), Y4, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  singleloop

singlelast:
	VFMADD231PS (R12)(CX*1), Y4, Y1
	ADDQ $4, R9
	ADDQ $4, R10
	DECQ R11
	JMP  single

done:
	VMOVUPS Y1, (DI)(CX*1)
	VZEROUPPER

none:
	RET

// func reluAVX2(x *float32, n int)
//
// x[i] = max(x[i], 0) for i < n (n a multiple of 8); a NaN stays NaN.
TEXT ·reluAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VXORPS Y1, Y1, Y1
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (DI), Y0
	VMAXPS  Y0, Y1, Y0      // (0 > x) ? 0 : x
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
