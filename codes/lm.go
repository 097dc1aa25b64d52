package codes

import "fmt"

// lmDigits is the number of sites that determine a label in the codes built
// by NewMixed and NewSimplex.
const lmDigits = 2

// NewMixed returns the mixed Label Mapping (LM paper §IV-A) of
// K = classes labels with n = sites sites in which any 2 sites determine
// the label: site i holds y mod p_i, where p_1 < p_2 < ... < p_n are the n
// smallest primes >= ceil(√K). It is exactly
//
//	primes, _ := ChoosePrimes(classes, sites, 2)
//	NewPrimeResidue(classes, primes)
//
// For K = 7,409 the primes are 89, 97, 101, 103, ...; for K = 20,902 they
// are 149, 151, 157, 163, 167, 173, 179, .... Any two of them multiply to
// at least K, so two labels agree on at most one site and MinDistance is
// n-1 (n when K = 2, whose primes 2 and 3 each hold the label itself). The
// classifier's outputs total p_1 + ... + p_n, about n·√K, instead of K.
// For another number k of determining sites (primes >= ceil(K^(1/k))) call
// ChoosePrimes(classes, sites, k) and NewPrimeResidue.
//
// Site 0 is y mod p_1, with p_1 the field of NewSimplex(classes, m) for
// every m: it is the same function of the label as that code's site 0.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrTooFewSites if sites < 2 (for one site use
// NewOneHot) and ErrTooManySites if sites > MaxSites. Cost: about
// n·ln(√K) primality tests of O(log K) each, and the O(n²) inverse table
// of NewPrimeResidue for n <= 256.
func NewMixed(classes, sites int) (*PrimeResidue, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewMixed: %w", err)
	}
	if sites < lmDigits {
		return nil, fmt.Errorf("codes: NewMixed: %d sites, need at least %d: %w", sites, lmDigits, ErrTooFewSites)
	}
	primes, err := ChoosePrimes(classes, sites, lmDigits)
	if err != nil {
		return nil, fmt.Errorf("codes: NewMixed: %w", err)
	}
	m, err := NewPrimeResidue(classes, primes)
	if err != nil {
		return nil, fmt.Errorf("codes: NewMixed: %w", err)
	}
	return m, nil
}

// NewSimplex returns the simplex Label Mapping (LM paper §IV-B) of
// K = classes labels with n = sites sites in which any 2 sites determine
// the label: the Reed–Solomon code over GF(p) with p the smallest prime
// with p² >= K (ChooseField(classes, 2)), k = ceil(log_p K) = 2 base-p
// digits (k = 1 for K = 2, where p = 2) and the evaluation points
// 0, 1, ..., n-1 of NewReedSolomon. It is exactly
//
//	p, _ := ChooseField(classes, 2)
//	NewReedSolomon(classes, p, sites)
//
// For K = 7,409, p = 89; for K = 20,902, p = 149. Label y = d_0 + d_1·p
// is the polynomial f(x) = d_0 + d_1·x and site i holds f(i) mod p; the
// minimum distance is n-k+1, that is n-1 (n when K = 2), and the
// classifier's outputs total n·p, about n·√K, instead of K.
//
// Site 0 holds f(0) = d_0 = y mod p: the same function of the label as
// site 0 of NewMixed(classes, m) for every m, whose smallest prime is this
// p. When both codes are trained in one comparison that site is learnt
// twice. Dropping site 0 of NewSimplex(classes, sites+1) would avoid it
// (any 2 of the other sites still determine the label), but the points of
// a ReedSolomon are fixed at 0, ..., n-1, so no mapping of this package
// is that code.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrTooFewSites if sites < 2 (for one site use
// NewOneHot) and ErrTooManySites if sites > p (GF(p) has p points; for
// more sites call NewReedSolomon with a larger prime). Cost: about
// ln(√K) primality tests of O(log K) each, O(n) time and memory, and a
// table of p inverses.
func NewSimplex(classes, sites int) (*ReedSolomon, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewSimplex: %w", err)
	}
	if sites < lmDigits {
		return nil, fmt.Errorf("codes: NewSimplex: %d sites, need at least %d: %w", sites, lmDigits, ErrTooFewSites)
	}
	p, err := ChooseField(classes, lmDigits)
	if err != nil {
		return nil, fmt.Errorf("codes: NewSimplex: %w", err)
	}
	m, err := NewReedSolomon(classes, p, sites)
	if err != nil {
		return nil, fmt.Errorf("codes: NewSimplex: %w", err)
	}
	return m, nil
}
