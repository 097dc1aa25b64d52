package codes

import (
	"fmt"
	"math"
)

// IsPrime reports whether n is a prime. It is exact for every n <= MaxPrime
// (deterministic Miller–Rabin with bases 2, 7 and 61, valid below
// 4,759,123,141) and returns false for larger n. Cost: O(log n)
// multiplications.
func IsPrime(n int) bool {
	if n < 2 || n > MaxPrime {
		return false
	}
	for _, q := range [...]int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61} {
		if n == q {
			return true
		}
		if n%q == 0 {
			return false
		}
	}
	if n < 67*67 {
		return true
	}
	m := uint64(n)
	d, s := m-1, 0
	for d%2 == 0 {
		d /= 2
		s++
	}
	for _, a := range [...]uint64{2, 7, 61} {
		x := powMod(a%m, d, m)
		if x == 1 || x == m-1 {
			continue
		}
		composite := true
		for r := 1; r < s; r++ {
			x = x * x % m
			if x == m-1 {
				composite = false
				break
			}
		}
		if composite {
			return false
		}
	}
	return true
}

// powMod returns a^e mod m for m < 2^32.
func powMod(a, e, m uint64) uint64 {
	r := uint64(1) % m
	for e > 0 {
		if e&1 == 1 {
			r = r * a % m
		}
		a = a * a % m
		e >>= 1
	}
	return r
}

// invMod returns the inverse of a modulo m (gcd(a, m) = 1, 0 < a < m) by
// the extended Euclidean algorithm, or 0 when a is not invertible.
func invMod(a, m uint64) uint64 {
	if m == 1 {
		return 0
	}
	// Invariant: r0 ≡ t0·a and r1 ≡ t1·a (mod m), with signed t.
	r0, r1 := int64(m), int64(a%m)
	t0, t1 := int64(0), int64(1)
	for r1 != 0 {
		q := r0 / r1
		r0, r1 = r1, r0-q*r1
		t0, t1 = t1, t0-q*t1
	}
	if r0 != 1 {
		return 0
	}
	if t0 < 0 {
		t0 += int64(m)
	}
	return uint64(t0)
}

// kthRootCeil returns the smallest m >= 1 with m^k >= n, for n >= 1, k >= 1.
func kthRootCeil(n, k int) int {
	if k == 1 {
		return n
	}
	m := int(math.Pow(float64(n), 1/float64(k)))
	if m < 1 {
		m = 1
	}
	for m > 1 && powAtLeast(m-1, k, n) {
		m--
	}
	for !powAtLeast(m, k, n) {
		m++
	}
	return m
}

// powAtLeast reports whether b^k >= n without overflow (b >= 1, n <= MaxClasses).
func powAtLeast(b, k, n int) bool {
	v := 1
	for range k {
		v *= b
		if v >= n {
			return true
		}
	}
	return v >= n
}

// ChoosePrimes returns `sites` distinct primes in increasing order, each at
// least ceil(K^(1/k)) and the smallest such, for a PrimeResidue code of
// `classes` labels (the mixed Label Mapping, LM paper §IV-A). Any k of the
// primes multiply to at least K, so by the Chinese remainder theorem any k
// sites determine the label and two labels agree on at most k-1 sites
// (Theorem 3): the code's minimum distance is at least sites-k+1.
//
// k = 1 gives primes >= K, each site alone a copy of the label. For the
// field of a ReedSolomon code see ChooseField.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrTooFewSites if k < 1 or k > sites, and
// ErrTooManySites if sites > MaxSites or there are not enough primes up to
// MaxPrime. Cost: about sites·ln(K^(1/k)) primality tests.
func ChoosePrimes(classes, sites, k int) ([]int, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: ChoosePrimes: %w", err)
	}
	if k < 1 || k > sites {
		return nil, fmt.Errorf("codes: ChoosePrimes: k = %d with %d sites, need 1 <= k <= sites: %w", k, sites, ErrTooFewSites)
	}
	if sites > MaxSites {
		return nil, fmt.Errorf("codes: ChoosePrimes: %d sites, at most %d: %w", sites, MaxSites, ErrTooManySites)
	}
	primes := make([]int, 0, sites)
	for q := kthRootCeil(classes, k); len(primes) < sites; q++ {
		if q > MaxPrime {
			return nil, fmt.Errorf("codes: ChoosePrimes: only %d primes in [ceil(%d^(1/%d)), %d]: %w",
				len(primes), classes, k, MaxPrime, ErrTooManySites)
		}
		if IsPrime(q) {
			primes = append(primes, q)
		}
	}
	return primes, nil
}

// ChooseField returns the smallest prime p with p^k >= K = classes: the
// field of a ReedSolomon code whose labels have k base-p digits, so that
// any k sites determine the label (LM paper §IV-B takes p just above
// K^(1/k)). It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrTooFewSites if k < 1, and ErrTooManySites if there
// is no such prime up to MaxPrime.
func ChooseField(classes, k int) (int, error) {
	primes, err := ChoosePrimes(classes, max(k, 1), k)
	if err != nil {
		return 0, fmt.Errorf("codes: ChooseField: %w", err)
	}
	return primes[0], nil
}
