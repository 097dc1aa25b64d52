package nntrain

import (
	"github.com/labelcode/labelcode/internal/nn"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestExp32 checks exp32's accuracy against math.Exp over its domain and
// its edge cases.
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(0); x > -87.3; x -= 0.00731 {
		got, want := float64(nn.Exp32(x)), math.Exp(float64(x))
		if e := math.Abs(got-want) / want; e > worst {
			worst = e
		}
	}
	if worst > 2e-7 {
		t.Errorf("worst relative error %g", worst)
	}
	if nn.Exp32(0) != 1 {
		t.Errorf("exp32(0) = %v", nn.Exp32(0))
	}
	for _, x := range []float32{-87.34, -100, float32(math.Inf(-1))} {
		if got := nn.Exp32(x); got != 0 {
			t.Errorf("exp32(%v) = %v, want 0", x, got)
		}
	}
	if got := nn.Exp32(float32(math.NaN())); got == got {
		t.Errorf("exp32(NaN) = %v", got)
	}
}

// TestKernelsMatchScalar cross-checks the vector kernels (AVX2 where the
// CPU has it) against the scalar loops, element by element and bit for
// bit, on lengths around the 8-lane width, with special values mixed in.
func TestKernelsMatchScalar(t *testing.T) {
	if !haveAVX2 {
		t.Skip("the scalar loops are the only path on this CPU or build")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	special := []float32{0, -87.32, -87.34, -1e30, float32(math.Inf(-1)), float32(math.NaN()), -1e-40}
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 20)
			if rng.IntN(10) == 0 {
				x[i] = special[rng.IntN(len(special))]
			}
		}
		wantMax := float32(math.Inf(-1))
		for _, v := range x {
			if v > wantMax { // NaNs skipped
				wantMax = v
			}
		}
		if m := nn.Max32(x); m != wantMax {
			t.Errorf("n=%d: max32 = %v, want %v", n, m, wantMax)
		}
		shift := float32(30)
		dst := make([]float32, n)
		s := nn.ExpShiftSum32(dst, x, shift)
		var want float64
		for i, v := range x {
			e := nn.Exp32(v - shift)
			want += float64(e)
			if math.Float32bits(dst[i]) != math.Float32bits(e) && !(e != e && dst[i] != dst[i]) {
				t.Fatalf("n=%d: exp of x[%d]=%v: kernel %v, scalar %v", n, i, x[i], dst[i], e)
			}
		}
		if math.Abs(s-want) > 1e-12*math.Abs(want) && !(math.IsNaN(s) && math.IsNaN(want)) {
			t.Errorf("n=%d: sum %v, want %v", n, s, want)
		}
		sc := make([]float32, n)
		nn.Scale32(sc, x, 0.37)
		for i, v := range x {
			if w := 0.37 * v; math.Float32bits(sc[i]) != math.Float32bits(w) && w == w {
				t.Fatalf("n=%d: scale of %v: %v, want %v", n, v, sc[i], w)
			}
		}
		// ReLU and its gradient.
		r := append([]float32(nil), x...)
		nn.Rectify(r)
		dy := make([]float32, n)
		for i := range dy {
			dy[i] = float32(rng.NormFloat64())
		}
		dz := make([]float32, n)
		activationGrad(ReLU, matrix{rows: 1, cols: n, f32: dz}, matrix{rows: 1, cols: n, f32: dy}, matrix{rows: 1, cols: n, f32: x}, false)
		for i, v := range x {
			want, wantGrad := v, float32(0)
			if v < 0 {
				want = 0
			}
			if v > 0 {
				wantGrad = dy[i]
			}
			if math.Float32bits(r[i]) != math.Float32bits(want) && !(v != v && r[i] != r[i]) {
				t.Fatalf("n=%d: Rectify(%v) = %v", n, v, r[i])
			}
			if dz[i] != wantGrad {
				t.Fatalf("n=%d: ReLU gradient at %v: %v, want %v", n, v, dz[i], wantGrad)
			}
		}
		// Adam: the kernel and the scalar loop from the same state, with and
		// without fused multiply-adds.
		for _, fused := range []bool{false, true} {
			k := adamConsts32{b1: 0.9, b2: 0.999, omb1: 1 - float32(0.9), omb2: 1 - float32(0.999), eps: 1e-8, negEta: -0.01, cv1: 1 / 0.19, cv2: 1 / 0.002, fused: fused}
			p, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p {
				p[i], g[i], m[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e-3), float32(rng.NormFloat64()*1e-3)
				v[i] = float32(rng.Float64() * 1e-5)
			}
			p2, m2, v2 := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
			adamUpdate32(p, g, m, v, k)
			for i := range p2 { // the scalar loop, element by element
				adamUpdate32(p2[i:i+1], g[i:i+1], m2[i:i+1], v2[i:i+1], k)
			}
			for i := range p {
				if p[i] != p2[i] || m[i] != m2[i] || v[i] != v2[i] {
					t.Fatalf("n=%d fused=%v: Adam element %d: kernel (%v %v %v), scalar (%v %v %v)", n, fused, i, p[i], m[i], v[i], p2[i], m2[i], v2[i])
				}
			}
		}
	}
}

// TestFMA32 checks fma32 against a·b + c computed exactly and rounded
// once, on random values and on near cancellations.
func TestFMA32(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 100000; i++ {
		a := float32(rng.NormFloat64())
		b := float32(rng.NormFloat64())
		c := float32(rng.NormFloat64())
		if i%3 == 0 {
			c = -a * b // near cancellation
		}
		got := nn.FMA32(a, b, c)
		// The exact value a·b + c as a big float, rounded once to float32.
		want := exactFMA32(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("nn.FMA32(%v, %v, %v) = %v, want %v", a, b, c, got, want)
		}
	}
}

// exactFMA32 rounds a·b + c once to float32 with math/big.
func exactFMA32(a, b, c float32) float32 {
	x := new(big.Float).SetPrec(200).SetFloat64(float64(a))
	x.Mul(x, new(big.Float).SetFloat64(float64(b)))
	x.Add(x, new(big.Float).SetFloat64(float64(c)))
	f, _ := x.Float32()
	return f
}

// TestColumnSums checks the bias-gradient sums (the FMA kernel with unit
// weights where the CPU has it) bit for bit against the plain loop, on
// widths around the kernel's 8 lanes and the goroutine split.
func TestColumnSums(t *testing.T) {
	for _, rows := range []int{1, 3, 4, 5, 256} {
		for _, cols := range []int{1, 7, 8, 9, 100, 20001} {
			dz := matrix{rows: rows, cols: cols, f32: randomF32(rows*cols, uint64(rows*cols))}
			got := matrix{rows: 1, cols: cols, f32: make([]float32, cols)}
			columnSums(got, dz, false)
			for j := 0; j < cols; j++ {
				var want float32
				for r := 0; r < rows; r++ {
					want += dz.f32[r*cols+j]
				}
				if math.Float32bits(got.f32[j]) != math.Float32bits(want) {
					t.Fatalf("%d×%d: column %d sums to %v, want %v", rows, cols, j, got.f32[j], want)
				}
			}
		}
	}
}
