package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRowAffine cross-checks RowAffine and SumRows against a float64
// reference on sizes around the kernel's 8-float vectors, 4-row groups and
// L1 blocks, with zero inputs mixed in.
func TestRowAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var s RowScratch
	for _, in := range []int{0, 1, 3, 4, 5, 70, 300} {
		for _, out := range []int{0, 1, 7, 8, 9, 63, 64, 65, 2049, 5003} {
			x := randomF32(in, uint64(in))
			for i := range x {
				if rng.IntN(3) == 0 {
					x[i] = 0
				}
			}
			w := randomF32(in*out, 2)
			b := randomF32(out, 3)
			y := make([]float32, out)
			RowAffine(y, x, w, b, &s)
			for j := 0; j < out; j++ {
				want := float64(b[j])
				for i := 0; i < in; i++ {
					want += float64(x[i]) * float64(w[i*out+j])
				}
				if math.Abs(float64(y[j])-want) > 1e-5*(1+math.Abs(want))*math.Sqrt(float64(in+1)) {
					t.Fatalf("in %d out %d: y[%d] = %v, want %v", in, out, j, y[j], want)
				}
			}
			// The rows of a binary code: SumRows with unit weights.
			var set []int32
			for i := 0; i < in; i++ {
				if rng.IntN(2) == 0 {
					set = append(set, int32(i))
				}
			}
			copy(y, b)
			SumRows(y, w, out, set, nil)
			for j := 0; j < out; j++ {
				want := float64(b[j])
				for _, i := range set {
					want += float64(w[int(i)*out+j])
				}
				if math.Abs(float64(y[j])-want) > 1e-5*(1+math.Abs(want))*math.Sqrt(float64(in+1)) {
					t.Fatalf("SumRows in %d out %d: y[%d] = %v, want %v", in, out, j, y[j], want)
				}
			}
		}
	}
}

// TestRowAffineAllocs checks that RowAffine allocates nothing once its
// scratch has grown.
func TestRowAffineAllocs(t *testing.T) {
	const in, out = 512, 2000
	x, w, b := randomF32(in, 1), randomF32(in*out, 2), randomF32(out, 3)
	y := make([]float32, out)
	var s RowScratch
	RowAffine(y, x, w, b, &s)
	if a := testing.AllocsPerRun(20, func() { RowAffine(y, x, w, b, &s) }); a != 0 {
		t.Errorf("RowAffine: %v allocs", a)
	}
}

// TestSumRowsChain checks that every column of SumRows (at least eight
// columns, with FMA) is exactly the chain of fused multiply-adds over the
// rows in the order of idx (fma32, rounded once each), whatever the number
// of rows (the kernel takes them eight, four and one at a time), the
// column count (the last vector overlaps the one before it when the count
// is not a multiple of 8; L1 blocks of 2048) and the order of the rows,
// repeated rows included: the property that makes splitting the columns
// between goroutines, or changing the grouping, give the same bits.
func TestSumRowsChain(t *testing.T) {
	if !haveFMA {
		t.Skip("no FMA kernel")
	}
	rng := rand.New(rand.NewPCG(6, 6))
	const rowsW = 40
	for _, out := range []int{8, 9, 13, 15, 16, 17, 24, 149, 2048, 2049, 2055, 2056, 2057, 4103, 4104} {
		stride := out + rng.IntN(3)
		w := randomF32(rowsW*stride, uint64(out))
		for _, k := range []int{0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 33} {
			idx := make([]int32, k)
			xv := make([]float32, k)
			for t := range idx {
				idx[t] = int32(rng.IntN(rowsW))
				xv[t] = float32(rng.NormFloat64())
			}
			y0 := randomF32(out, uint64(k))
			y := append([]float32(nil), y0...)
			SumRows(y, w, stride, idx, xv)
			for j := 0; j < out; j++ {
				want := y0[j]
				for t, i := range idx {
					want = FMA32(xv[t], w[int(i)*stride+j], want)
				}
				if math.Float32bits(y[j]) != math.Float32bits(want) {
					t.Fatalf("out %d k %d: y[%d] = %v, want the chain's %v", out, k, j, y[j], want)
				}
			}
		}
	}
}
