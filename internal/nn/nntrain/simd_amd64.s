//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(p, grad, m, v *float32, n int, k *adamConsts32, fused bool)
//
// adamUpdate32 (adam.go) on 8 elements at a time, with its exact sequence
// of IEEE operations (multiplications, additions, square root, division),
// so that the results are the scalar ones bit for bit: m·β1 + t1 and
// v·β2 + g² are fused multiply-adds when fused is set (as the Go compiler
// builds the scalar loop on targets with FMA), separate operations
// otherwise; nothing else is fused. n is a multiple of 8. k holds b1, b2,
// omb1, omb2, eps, negEta, cv1, cv2.
TEXT ·adamAVX2(SB), NOSPLIT, $0-49
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), AX
	MOVBLZX fused+48(FP), DX
	VBROADCASTSS 0(AX), Y8   // b1
	VBROADCASTSS 4(AX), Y9   // b2
	VBROADCASTSS 8(AX), Y10  // 1-b1
	VBROADCASTSS 12(AX), Y11 // 1-b2
	VBROADCASTSS 16(AX), Y12 // eps
	VBROADCASTSS 20(AX), Y13 // -eta
	VBROADCASTSS 24(AX), Y14 // 1/c1
	VBROADCASTSS 28(AX), Y15 // 1/c2
	SHRQ $3, CX
	JZ   done
	TESTQ DX, DX
	JNZ  floop

loop:
	VMOVUPS (SI), Y0        // g
	VMULPS  Y10, Y0, Y1     // t1 = g·(1-b1)
	VMULPS  Y0, Y0, Y2      // g2 = g·g
	VMULPS  Y11, Y2, Y2     // g2 = g2·(1-b2)
	VMULPS  (R8), Y8, Y3    // m·b1
	VADDPS  Y3, Y1, Y1      // t1 = t1 + m·b1
	VMULPS  (R9), Y9, Y3    // v·b2
	VADDPS  Y3, Y2, Y2      // g2 = g2 + v·b2
	VMOVUPS Y1, (R8)
	VMOVUPS Y2, (R9)
	VMULPS  Y14, Y1, Y1     // mh = t1·cv1
	VMULPS  Y15, Y2, Y2     // g2·cv2
	VSQRTPS Y2, Y2
	VADDPS  Y12, Y2, Y2     // vh = sqrt + eps
	VMULPS  Y13, Y1, Y1     // mh = mh·(-eta)
	VDIVPS  Y2, Y1, Y1      // mh / vh
	VADDPS  (DI), Y1, Y1    // p + mh
	VMOVUPS Y1, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  loop
	JMP  done

floop:
	VMOVUPS (SI), Y0
	VMULPS  Y10, Y0, Y1     // t1 = g·(1-b1)
	VMULPS  Y0, Y0, Y2
	VMULPS  Y11, Y2, Y2     // g2 = g·g·(1-b2)
	VMOVUPS (R8), Y3
	VFMADD231PS Y8, Y3, Y1  // t1 = m·b1 + t1, one rounding
	VMOVUPS (R9), Y3
	VFMADD231PS Y9, Y3, Y2  // g2 = v·b2 + g2, one rounding
	VMOVUPS Y1, (R8)
	VMOVUPS Y2, (R9)
	VMULPS  Y14, Y1, Y1
	VMULPS  Y15, Y2, Y2
	VSQRTPS Y2, Y2
	VADDPS  Y12, Y2, Y2
	VMULPS  Y13, Y1, Y1
	VDIVPS  Y2, Y1, Y1
	VADDPS  (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  floop

done:
	VZEROUPPER
	RET

// func reluGradAVX2(dz, dy, y *float32, n int)
//
// dz[i] = y[i] > 0 ? dy[i] : 0 for i < n (n a multiple of 8).
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ dz+0(FP), DI
	MOVQ dy+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	VXORPS Y2, Y2, Y2
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (DX), Y3
	VCMPPS  $0x1e, Y2, Y3, Y0 // y > 0 (ordered: false for NaN)
	VANDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
