package modarith

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBarrett cross-checks Mod and QuoRem against the division operators
// on edge moduli (1, 2, powers of two, primes near 2^31 and 2^32, a
// product of primes near 2^62, MaxUint64) and edge and random dividends.
func TestBarrett(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range []uint64{1, 2, 3, 7, 1 << 16, 65521, 1<<31 - 1, 1 << 32, 4294967291, 4611686014132420609, math.MaxUint64 - 58, math.MaxUint64} {
		b := New(p)
		ns := []uint64{0, 1, p - 1, p, p + 1, math.MaxUint64, math.MaxUint64 - 1, p * (math.MaxUint64 / p)}
		for range 2000 {
			ns = append(ns, r.Uint64(), r.Uint64()>>r.IntN(64))
		}
		for _, n := range ns {
			q, rem := b.QuoRem(n)
			if q != n/p || rem != n%p || b.Mod(n) != n%p {
				t.Fatalf("p=%d n=%d: QuoRem = %d, %d; Mod = %d; want %d, %d", p, n, q, rem, b.Mod(n), n/p, n%p)
			}
		}
	}
}
