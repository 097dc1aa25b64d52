// Package modarith reduces integers modulo a fixed modulus by Barrett's
// method: a 64×64-bit multiplication instead of a division, which is
// several times slower. It is the one reducer behind codes' GF(p) and CRT
// arithmetic and decode's search.
package modarith

import "math/bits"

// Barrett reduces modulo P. M = floor((2^64−1)/P), so the quotient
// estimate hi(n·M) is at most 2 below floor(n/P) for any n < 2^64; the
// correction loop runs at most twice.
type Barrett struct {
	P, M uint64
}

// New returns the reducer for p >= 1.
func New(p uint64) Barrett { return Barrett{P: p, M: ^uint64(0) / p} }

// Mod returns n mod P.
func (b Barrett) Mod(n uint64) uint64 {
	q, _ := bits.Mul64(n, b.M)
	r := n - q*b.P
	for r >= b.P {
		r -= b.P
	}
	return r
}

// QuoRem returns n / P and n mod P.
func (b Barrett) QuoRem(n uint64) (q, r uint64) {
	q, _ = bits.Mul64(n, b.M)
	r = n - q*b.P
	for r >= b.P {
		r -= b.P
		q++
	}
	return q, r
}
