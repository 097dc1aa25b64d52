package nn

import "math"

// Exp32 returns e^x for x <= 0 in float32, with a relative error below
// 1e-7 (Cephes' expf: Cody–Waite reduction x = n·ln2 + r, |r| <= ln2/2,
// and a degree-6 polynomial in r), and 0 below -87.33, where e^x leaves
// the normal float32 range. It is about twice as fast as math.Exp and is
// only used on max-shifted logits, which are never positive.
func Exp32(x float32) float32 {
	if x < -87.33 {
		return 0
	}
	// Every product is rounded explicitly: a conversion forbids the
	// compiler to fuse it into the next sum (it would on GOAMD64=v3 or
	// arm64), so that this function and the AVX2 kernel, which does not
	// fuse, agree bit for bit on every build.
	// Adding and subtracting 1.5·2^23 rounds to the nearest integer.
	const round = 12582912.0
	n := (float32(x*math.Log2E) + round) - round
	r := x - float32(n*0.693359375) - float32(n*-2.12194440e-4)
	p := float32(1.9875691500e-4*r) + 1.3981999507e-3
	p = float32(p*r) + 8.3334519073e-3
	p = float32(p*r) + 4.1665795894e-2
	p = float32(p*r) + 1.6666665459e-1
	p = float32(p*r) + 5.0000001201e-1
	p = float32(p*float32(r*r)) + r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// ExpShiftSum32 sets dst[j] = exp32(x[j]-shift) for shift >= max(x) and
// returns Σ dst[j] in float64 (eight partial sums with AVX2, else in index
// order).
func ExpShiftSum32(dst, x []float32, shift float32) float64 {
	dst = dst[:len(x)]
	var s float64
	if n := len(x) &^ 7; haveAVX2 && n > 0 {
		s = expShiftSumAVX2(&dst[0], &x[0], n, shift)
		dst, x = dst[n:], x[n:]
	}
	for j, v := range x {
		e := Exp32(v - shift)
		dst[j] = e
		s += float64(e)
	}
	return s
}

// Scale32 sets dst[j] = a·src[j].
func Scale32(dst, src []float32, a float32) {
	dst = dst[:len(src)]
	if n := len(src) &^ 7; haveAVX2 && n > 0 {
		scaleAVX2(&dst[0], &src[0], n, a)
		dst, src = dst[n:], src[n:]
	}
	for j, v := range src {
		dst[j] = a * v
	}
}
