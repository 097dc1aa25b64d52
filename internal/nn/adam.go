package nn

import (
	"fmt"
	"math"
)

// Adam is the Adam optimizer (Kingma and Ba 2015) updating float32 weight
// slices in place, with bias correction:
//
//	m ← β1·m + (1-β1)·g,  v ← β2·v + (1-β2)·g²
//	w ← w - lr·(m/(1-β1ᵗ)) / (sqrt(v/(1-β2ᵗ)) + ε)
//
// It allocates its two moment slices once, in NewAdam, and nothing per Step.
type Adam struct {
	LearningRate, Beta1, Beta2, Epsilon float64

	params [][]float32
	m, v   [][]float32
	t      int
}

// NewAdam returns an optimizer for params with the usual defaults β1 = 0.9,
// β2 = 0.999, ε = 1e-8. It returns ErrSpec when lr is not positive and
// finite.
func NewAdam(params [][]float32, lr float64) (*Adam, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("%w: learning rate %v", ErrSpec, lr)
	}
	a := &Adam{LearningRate: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, params: params}
	for _, p := range params {
		a.m = append(a.m, make([]float32, len(p)))
		a.v = append(a.v, make([]float32, len(p)))
	}
	return a, nil
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }

// Step applies one update from grads, parallel to the params given to
// NewAdam. It panics if the lengths do not match.
func (a *Adam) Step(grads [][]float32) {
	if len(grads) != len(a.params) {
		panic("nn: Adam.Step: grads do not match params")
	}
	a.t++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	// w -= lr/c1 · m / (sqrt(v)/sqrt(c2) + ε)
	step := float32(a.LearningRate / c1)
	isc2 := float32(1 / math.Sqrt(c2))
	eps := float32(a.Epsilon)
	for i, p := range a.params {
		g, m, v := grads[i], a.m[i], a.v[i]
		if len(g) != len(p) {
			panic("nn: Adam.Step: gradient length does not match its parameter")
		}
		m = m[:len(p)]
		v = v[:len(p)]
		g = g[:len(p)]
		for j := range p {
			gj := g[j]
			mj := b1*m[j] + (1-b1)*gj
			vj := b2*v[j] + (1-b2)*gj*gj
			m[j], v[j] = mj, vj
			p[j] -= step * mj / (sqrt32(vj)*isc2 + eps)
		}
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
