package nntrain

import (
	"github.com/labelcode/labelcode/internal/nn"
	"math"
	"sync"

	"gorgonia.org/tensor"
)

// Adam is the Adam optimizer (Kingma and Ba 2015) updating float32
// weight slices in place, with bias correction:
//
//	m ← β1·m + (1-β1)·g,  v ← β2·v + (1-β2)·g²
//	w ← w - lr·(m/(1-β1ᵗ)) / (sqrt(v/(1-β2ᵗ)) + ε)
//
// Step performs, element by element, exactly the floating-point operations
// of gorgonia's AdamSolver (with WithLearnRate, its default β1, β2 and ε,
// batch 1, no clipping or regularisation), including the multiply-adds
// that the build fuses in gorgonia's loops, so the two give the same
// weights bit for bit; it does it in one pass over every weight, without
// temporaries, on GOMAXPROCS goroutines (each element is updated from its
// own values alone, so the split changes nothing). It allocates its two
// moment slices once, in NewAdam, and nothing per step beyond
// starting the goroutines. Unlike AdamSolver it leaves the gradients as
// they are.
type Adam struct {
	LearningRate, Beta1, Beta2, Epsilon float64

	p32, m32, v32 [][]float32
	t             int
}

// NewAdam returns an optimizer for float32 params with the usual defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8. It returns ErrSpec when lr is not
// positive and finite.
func NewAdam(params [][]float32, lr float64) (*Adam, error) {
	if err := CheckRate(lr); err != nil {
		return nil, err
	}
	a := &Adam{LearningRate: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, p32: params}
	for _, p := range params {
		a.m32 = append(a.m32, make([]float32, len(p)))
		a.v32 = append(a.v32, make([]float32, len(p)))
	}
	return a, nil
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }

// Step applies one update from grads, parallel to the float32 params given
// to NewAdam. It panics if the lengths do not match.
func (a *Adam) Step(grads [][]float32) {
	if len(grads) != len(a.p32) {
		panic("nntrain: Adam.Step: grads do not match params")
	}
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	// The constants as AdamSolver rounds them for float32.
	k := adamConsts32{
		b1: float32(a.Beta1), b2: float32(a.Beta2),
		omb1: float32(1) - float32(a.Beta1), omb2: float32(1) - float32(a.Beta2),
		eps: float32(a.Epsilon), negEta: -float32(a.LearningRate),
		cv1: float32(1) / float32(c1), cv2: float32(1) / float32(c2),
		fused: gorgoniaFuses32(),
	}
	for i, p := range a.p32 {
		g, m, v := grads[i], a.m32[i], a.v32[i]
		if len(g) != len(p) {
			panic("nntrain: Adam.Step: gradient length does not match its parameter")
		}
		nn.ParallelFor(len(p), nn.ParallelMin, func(lo, hi int) {
			adamUpdate32(p[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], k)
		})
	}
}

// adamConsts32 are the constants of one step; the assembly kernel reads
// the eight floats in this order. fused says whether gorgonia's MulIncr
// loops fuse (see adamUpdate32).
type adamConsts32 struct {
	b1, b2, omb1, omb2, eps, negEta, cv1, cv2 float32
	fused                                     bool
}

// adamUpdate32 is AdamSolver's sequence of tensor operations for one
// element, in its order: t1 = g·(1-β1); g² ·(1-β2); m = t1 + m·β1;
// v = g²(1-β2) + v·β2; w += (m·c1·(-η)) / (sqrt(v·c2) + ε).
//
// AdamSolver computes m and v with gorgonia's MulIncr loops
// (incr[i] += a[i]·b), which the Go compiler turns into fused
// multiply-adds on some targets (GOAMD64=v3, arm64, ...) and not on
// others (the default amd64 build). k.fused says which, as probed from
// gorgonia itself; those two operations follow it (an exactly rounded
// fused multiply-add, or a rounded product then a sum) and every other
// operation here is rounded explicitly, so that this compiler never fuses
// anything else. The AVX2 kernel does the same.
func adamUpdate32(p, g, m, v []float32, k adamConsts32) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	if n := len(p) &^ 7; haveAVX2 && n > 0 {
		adamAVX2(&p[0], &g[0], &m[0], &v[0], n, &k, k.fused)
		p, g, m, v = p[n:], g[n:], m[n:], v[n:]
	}
	for j := range p {
		gj := g[j]
		t1 := float32(gj * k.omb1)
		g2 := float32(gj * gj)
		g2 = float32(g2 * k.omb2)
		if k.fused {
			t1 = nn.FMA32(m[j], k.b1, t1)
			g2 = nn.FMA32(v[j], k.b2, g2)
		} else {
			t1 += float32(m[j] * k.b1)
			g2 += float32(v[j] * k.b2)
		}
		m[j], v[j] = t1, g2
		mh := float32(t1 * k.cv1)
		vh := float32(math.Sqrt(float64(float32(g2 * k.cv2))))
		vh = vh + k.eps
		mh = float32(mh * k.negEta)
		p[j] += mh / vh
	}
}

// gorgoniaFuses32 reports whether this build compiles gorgonia's MulIncr
// loops with fused multiply-adds, by running one on values whose exact
// product 1 + 2^-11 + 2^-24 loses its last term when rounded before the
// sum.
var gorgoniaFuses32 = sync.OnceValue(func() bool {
	a := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{1 + 1.0/(1<<12), 1 + 1.0/(1<<12)}))
	incr := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{-(1 + 1.0/(1<<11)), -(1 + 1.0/(1<<11))}))
	if _, err := tensor.Mul(a, float32(1+1.0/(1<<12)), tensor.WithIncr(incr), tensor.UseUnsafe()); err != nil {
		panic("nntrain: probing gorgonia's arithmetic: " + err.Error())
	}
	return incr.Data().([]float32)[0] != 0
})
