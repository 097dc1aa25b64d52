package nn

import "math"

// Rectify replaces every negative element of v by 0 (NaNs stay NaN),
// eight at a time with AVX2.
func Rectify(v []float32) {
	if n := len(v) &^ 7; haveAVX2 && n > 0 {
		reluAVX2(&v[0], n)
		v = v[n:]
	}
	for i, x := range v {
		if x < 0 {
			v[i] = 0
		}
	}
}

// Max32 returns the largest value of x ignoring NaNs, -Inf if there is
// none. (A NaN logit still makes the loss NaN, through its exponential.)
func Max32(x []float32) float32 {
	m := float32(math.Inf(-1))
	if n := len(x) &^ 7; haveAVX2 && n > 0 {
		m = maxAVX2(&x[0], n)
		x = x[n:]
	}
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// ArgMax returns the index of the largest value of v (the first on ties),
// ignoring NaNs (0 when all are NaN), or -1 for an empty v. Cost: one pass
// for the maximum (eight lanes at a time with AVX2) and one to its first
// occurrence.
func ArgMax(v []float32) int {
	if len(v) == 0 {
		return -1
	}
	m := Max32(v)
	for i, x := range v {
		if x == m {
			return i
		}
	}
	return 0
}

// FMA32 returns a·b + c rounded once to float32, as a hardware fused
// multiply-add does: the product is exact in float64, the sum is rounded
// to odd in float64 (its exact error from Knuth's TwoSum decides), and
// rounding that to float32 is then correct (Boldo and Melquiond 2008).
func FMA32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	s := p + float64(c)
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s)
	}
	bv := s - p
	e := (p - (s - bv)) + (float64(c) - bv)
	if bits := math.Float64bits(s); e != 0 && bits&1 == 0 {
		if (e > 0) == (s > 0) {
			bits++
		} else {
			bits--
		}
		s = math.Float64frombits(bits)
	}
	return float32(s)
}

// FirstNonFinite returns the index of the first NaN or infinite value of
// x, or -1 when every value is finite: the check of an input row before
// prediction.
func FirstNonFinite(x []float32) int {
	for j, v := range x {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return j
		}
	}
	return -1
}
