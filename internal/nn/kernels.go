package nn

import (
	"fmt"
	"math"

	"github.com/labelcode/labelcode/internal/limits"
)

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

// CheckRow returns an error wrapping errInput when x does not have
// features values or holds a NaN or infinite value (naming the feature):
// the check of an input row before prediction.
func CheckRow(x []float32, features int, errInput error) error {
	if len(x) != features {
		return fmt.Errorf("%w: %d values, model has %d features", errInput, len(x), features)
	}
	for j, v := range x {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return fmt.Errorf("%w: feature %d is %v", errInput, j, v)
		}
	}
	return nil
}

// CheckRows is CheckRow for each of rows rows of x (row-major), naming the
// first bad row. It panics if len(x) != rows·features (a wrapped product
// never passes): that is the caller's mistake, not the data's.
func CheckRows(x []float32, rows, features int, errInput error, caller string) error {
	if n, ok := limits.Mul(rows, features); !ok || n != len(x) {
		panic(fmt.Sprintf("%s %d values for %d rows of %d features", caller, len(x), rows, features))
	}
	for r := 0; r < rows; r++ {
		if err := CheckRow(x[r*features:(r+1)*features], features, errInput); err != nil {
			return fmt.Errorf("row %d: %w", r, err)
		}
	}
	return nil
}
