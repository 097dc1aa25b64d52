package codes

import (
	"fmt"
	"math/bits"
)

// Linear is implemented by a Mapping whose code is linear over integer
// moduli in both directions, so that a decoder can encode and reconstruct
// labels with precomputed coefficients instead of calling Encode and
// Reconstruct:
//
//   - Encoding (Generator): a label is written as digits in a base B, and
//     each site's symbol is a linear combination of the digits modulo the
//     site's alphabet size.
//   - Reconstruction: for any set of sites that determines the label
//     (Determines), the label's digits in some base M are linear
//     combinations modulo M of the symbols at those sites.
//
// OneHot, Binary, PrimeResidue and ReedSolomon implement it; RandomBinary
// does not. A mapping from another package may implement it too: package
// decode then searches it as fast as the mappings of this package. The
// methods must agree with Encode exactly; decode checks the shapes and
// ranges of what they return but trusts the arithmetic.
type Linear interface {
	Mapping
	// Generator returns the encoding coefficients (a fresh copy). Cost:
	// O(Sites()·Digits) time and memory.
	Generator() Generator
	// Determines reports whether the symbols at sites determine the
	// label: no two labels agree on all of them. It is false when a site
	// is outside [0, Sites()) or repeated, and for no sites. A set whose
	// alphabet sizes multiply to less than Classes() never determines the
	// label. It allocates nothing for sets of up to 32 sites.
	Determines(sites []int) bool
	// Reconstruction writes into r the coefficients that reconstruct a
	// label from its symbols at sites (r.Sites is a copy of sites, in the
	// order given), reusing r's slices when they are long enough, so that
	// a caller that keeps r allocates nothing once warm. It returns an
	// error wrapping ErrSiteRange if a site is outside [0, Sites()) or
	// repeated and ErrTooFewSites if Determines(sites) is false; r is then
	// unspecified.
	Reconstruction(sites []int, r *Reconstruction) error
}

// Compile-time checks that the structured mappings satisfy Linear.
var (
	_ Linear = (*OneHot)(nil)
	_ Linear = (*Binary)(nil)
	_ Linear = (*PrimeResidue)(nil)
	_ Linear = (*ReedSolomon)(nil)
)

// Generator describes how a Linear mapping encodes a label y in [0, K):
// with y = Σ_{j<Digits} d_j·Base^j (0 <= d_j < Base, d_0 least
// significant), the symbol at site i is
//
//	(Σ_j Coef[i·Digits+j]·d_j) mod SiteClasses(i).
//
// Base^(Digits−1) < K <= Base^Digits, and every Coef of site i lies in
// [0, SiteClasses(i)). For OneHot and PrimeResidue, Base = K and Digits = 1
// (the digit is the label, every coefficient 1); for Binary, Base = 2 with
// one digit per site (the identity matrix); for ReedSolomon, Base = p,
// Digits = k and Coef[i·k+j] = i^j mod p (the Vandermonde matrix of the
// evaluation points; 0^0 = 1).
type Generator struct {
	Base   int
	Digits int
	Coef   []int
}

// Symbols writes the symbols of label (in [0, Base^Digits)) at every site
// into dst (grown when too short; one site per len(Coef)/Digits), siteMod
// holding each site's alphabet size, and returns dst. It is the reference
// form of the rule above, in 128-bit arithmetic: O(sites·Digits). It
// panics if len(siteMod) is not the number of sites.
func (g Generator) Symbols(label int, siteMod []int, dst []int) []int {
	n := 0
	if g.Digits > 0 {
		n = len(g.Coef) / g.Digits
	}
	if len(siteMod) != n {
		panic(fmt.Sprintf("codes: Generator.Symbols: %d alphabet sizes for %d sites", len(siteMod), n))
	}
	dst = grow(dst, n)
	for i := range dst {
		q := uint64(siteMod[i])
		y, acc := uint64(label), uint64(0)
		for j := range g.Digits {
			d := y % uint64(g.Base)
			y /= uint64(g.Base)
			acc = (acc + mulMod(uint64(g.Coef[i*g.Digits+j])%q, d%q, q)) % q
		}
		dst[i] = int(acc)
	}
	return dst
}

// Reconstruction holds the coefficients that turn a label's symbols at a
// determining set of sites back into the label: with v_t the symbol at
// Sites[t],
//
//	digit_j = (Σ_t v_t·Coef[t·Digits+j]) mod Modulus,  label = Σ_j digit_j·Modulus^j.
//
// Every Coef is in [0, Modulus), Modulus >= 2, Digits >= 1,
// Modulus^(Digits−1) < K and Modulus^Digits < 2^62. For symbols that are
// the code of no label the formula yields some value, possibly >= K;
// values below K are then labels whose symbols need not match.
//
// PrimeResidue: one digit modulo M, the product of the primes of the first
// sites whose product reaches K, with the CRT coefficients
// (M/p_t)·((M/p_t)^-1 mod p_t); further sites get coefficient 0.
// ReedSolomon: k digits modulo p, the Lagrange basis polynomials of the
// first k sites' points; further sites get 0. Binary: one digit mod 2 per
// bit. OneHot: one digit mod K, coefficient 1.
type Reconstruction struct {
	Sites   []int
	Modulus uint64
	Digits  int
	Coef    []uint64
}

// Value evaluates the reconstruction on symbols (symbols[t] at Sites[t])
// in 128-bit arithmetic: the label if the symbols are the code of a label,
// otherwise some value below Modulus^Digits. It is the reference form of
// the formula: O(len(Sites)·Digits). It panics if len(symbols) !=
// len(Sites).
func (r *Reconstruction) Value(symbols []int) uint64 {
	if len(symbols) != len(r.Sites) {
		panic(fmt.Sprintf("codes: Reconstruction.Value: %d symbols for %d sites", len(symbols), len(r.Sites)))
	}
	v := uint64(0)
	for j := r.Digits - 1; j >= 0; j-- {
		d := uint64(0)
		for t, s := range symbols {
			d = (d + mulMod(uint64(s)%r.Modulus, r.Coef[t*r.Digits+j], r.Modulus)) % r.Modulus
		}
		v = v*r.Modulus + d
	}
	return v
}

// mulMod returns a·b mod m for a, b < m.
func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return bits.Rem64(hi, lo, m)
}

// reset sizes r for sites with the given digits and modulus: Sites a copy,
// Coef zeroed.
func (r *Reconstruction) reset(sites []int, modulus uint64, digits int) {
	r.Sites = append(r.Sites[:0], sites...)
	r.Modulus, r.Digits = modulus, digits
	n := len(sites) * digits
	if cap(r.Coef) < n {
		r.Coef = make([]uint64, n)
	}
	r.Coef = r.Coef[:n]
	clear(r.Coef)
}

// Errors of the Reconstruction methods, built once so that rejecting a set
// allocates nothing.
var (
	errReconSite = fmt.Errorf("codes: Reconstruction: site outside [0, n) or repeated: %w", ErrSiteRange)
	errReconFew  = fmt.Errorf("codes: Reconstruction: the sites do not determine the label: %w", ErrTooFewSites)
)

// Generator returns Base = K, one digit, coefficient 1.
func (m *OneHot) Generator() Generator {
	return Generator{Base: m.classes, Digits: 1, Coef: []int{1}}
}

// Determines reports whether sites is [0], the only determining set.
func (m *OneHot) Determines(sites []int) bool {
	return len(sites) == 1 && sites[0] == 0
}

// Reconstruction writes modulus K, one digit, coefficient 1 for sites [0];
// any other set is an error (see Linear). O(1).
func (m *OneHot) Reconstruction(sites []int, r *Reconstruction) error {
	if !checkSites(sites, 1) {
		return errReconSite
	}
	if len(sites) == 0 {
		return errReconFew
	}
	r.reset(sites, uint64(m.classes), 1)
	r.Coef[0] = 1
	return nil
}

// Generator returns Base = 2 and the identity matrix: digit j is bit j,
// held by site j. O(Bits()²).
func (m *Binary) Generator() Generator {
	g := Generator{Base: 2, Digits: m.bits, Coef: make([]int, m.bits*m.bits)}
	for i := range m.bits {
		g.Coef[i*m.bits+i] = 1
	}
	return g
}

// Determines reports whether sites holds every bit: with
// 2^(Bits−1) < K, labels 0 and 2^i differ only at site i.
func (m *Binary) Determines(sites []int) bool {
	return len(sites) == m.bits && checkSites(sites, m.bits)
}

// Reconstruction writes modulus 2 and one digit per bit: the row of the
// symbol at site i selects digit i. O(Bits()²).
func (m *Binary) Reconstruction(sites []int, r *Reconstruction) error {
	if !checkSites(sites, m.bits) {
		return errReconSite
	}
	if len(sites) != m.bits {
		return errReconFew
	}
	r.reset(sites, 2, m.bits)
	for t, i := range sites {
		r.Coef[t*m.bits+i] = 1
	}
	return nil
}

// Generator returns Base = K, one digit (the label), coefficient 1 at every
// site. O(n).
func (m *PrimeResidue) Generator() Generator {
	g := Generator{Base: m.classes, Digits: 1, Coef: make([]int, len(m.primes))}
	for i := range g.Coef {
		g.Coef[i] = 1
	}
	return g
}

// Determines reports whether the primes of sites multiply to K or more
// (sites valid), which by the CRT is when they determine the label.
// O(len(sites)).
func (m *PrimeResidue) Determines(sites []int) bool {
	return checkSites(sites, len(m.primes)) && m.reaches(sites) > 0
}

// reaches returns the number of leading sites whose primes first multiply
// to K or more, 0 if all of them do not.
func (m *PrimeResidue) reaches(sites []int) int {
	prod := uint64(1)
	for t, i := range sites {
		prod *= m.primes[i]
		if prod >= uint64(m.classes) {
			return t + 1
		}
	}
	return 0
}

// Reconstruction writes the CRT coefficients of the leading sites whose
// primes first multiply to K or more, modulo their product M < K·MaxPrime
// < 2^62; further sites get coefficient 0. O(s) inversions for those s
// sites.
func (m *PrimeResidue) Reconstruction(sites []int, r *Reconstruction) error {
	if !checkSites(sites, len(m.primes)) {
		return errReconSite
	}
	s := m.reaches(sites)
	if s == 0 {
		return errReconFew
	}
	M := uint64(1)
	for _, i := range sites[:s] {
		M *= m.primes[i]
	}
	r.reset(sites, M, 1)
	for t, i := range sites[:s] {
		p := m.primes[i]
		rest := M / p
		// rest·inv < rest·p = M: no overflow.
		r.Coef[t] = rest * invMod(m.mods[i].Mod(rest), p)
	}
	return nil
}

// Generator returns Base = p, Digits = k and Coef[i·k+j] = i^j mod p.
// O(n·k).
func (m *ReedSolomon) Generator() Generator {
	g := Generator{Base: int(m.f.P), Digits: m.k, Coef: make([]int, m.n*m.k)}
	for i := range m.n {
		x := uint64(1)
		for j := range m.k {
			g.Coef[i*m.k+j] = int(x)
			x = m.f.mul(x, uint64(i))
		}
	}
	return g
}

// Determines reports whether sites holds at least k valid sites: any k
// points fix the digit polynomial. O(len(sites)).
func (m *ReedSolomon) Determines(sites []int) bool {
	return len(sites) >= m.k && checkSites(sites, m.n)
}

// Reconstruction writes modulo p, for the first k sites, the coefficients of
// their Lagrange basis polynomials L_t(x) = Π_{u≠t} (x − x_u)/(x_t − x_u):
// digit j of the label is Σ_t v_t·[x^j]L_t. Further sites get 0. O(k²) with
// no inversion (the inverses of point differences are tabulated).
func (m *ReedSolomon) Reconstruction(sites []int, r *Reconstruction) error {
	if !checkSites(sites, m.n) {
		return errReconSite
	}
	if len(sites) < m.k {
		return errReconFew
	}
	k := m.k
	r.reset(sites, m.f.P, k)
	var xs [maxDigits]uint64
	var master [maxDigits + 1]uint64
	for t := range k {
		xs[t] = uint64(sites[t])
	}
	m.master(xs[:k], master[:k+1])
	for t := range k {
		m.basis(xs[:k], master[:k+1], t, 1, r.Coef[t*k:(t+1)*k])
	}
	return nil
}

// master writes into out (len k+1) the coefficients of Π_i (x − xs[i]),
// lowest first; out[k] = 1.
func (m *ReedSolomon) master(xs, out []uint64) {
	f := m.f
	clear(out)
	out[0] = 1
	for i, x := range xs {
		a := f.P - x
		for j := i + 1; j > 0; j-- {
			out[j] = f.Mod(out[j-1] + out[j]*a)
		}
		out[0] = f.Mod(out[0] * a)
	}
}

// basis adds to acc (len k) the coefficients of y·L_i(x), L_i the Lagrange
// basis polynomial of point xs[i], given master = Π (x − xs[j]).
func (m *ReedSolomon) basis(xs, master []uint64, i int, y uint64, acc []uint64) {
	f := m.f
	k := len(xs)
	// w = y / Π_{j≠i} (x_i − x_j).
	w := y
	for j := range k {
		if j == i {
			continue
		}
		if xs[i] > xs[j] {
			w = f.Mod(w * uint64(m.invDiff[xs[i]-xs[j]]))
		} else {
			w = f.Mod(w * (f.P - uint64(m.invDiff[xs[j]-xs[i]])))
		}
	}
	// master / (x − x_i) by synthetic division, from the top.
	q := uint64(1)
	acc[k-1] = f.Mod(acc[k-1] + w)
	for j := k - 1; j > 0; j-- {
		q = f.Mod(master[j] + xs[i]*q)
		acc[j-1] = f.Mod(acc[j-1] + w*q)
	}
}
