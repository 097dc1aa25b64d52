package codes

import "fmt"

// maxDigits bounds k: p >= 2 and K <= MaxClasses < 2^31 give k <= 31.
const maxDigits = 31

// ReedSolomon is the simplex Label Mapping of the LM paper (§IV-B): a
// Reed–Solomon code over GF(p) on the base-p digits of the label.
//
// With k = ceil(log_p K) digits, label y = Σ_{j<k} d_j p^j (0 <= d_j < p)
// is the polynomial f(x) = Σ_{j<k} d_j x^j over GF(p), and site i holds
// f(i) mod p: the evaluation points are 0, 1, ..., n-1 (so site 0 holds
// d_0 = y mod p). Any k sites determine the label (Lagrange interpolation),
// two labels agree on at most k-1 sites, and the minimum distance is
// exactly n-k+1, the Singleton bound (Theorems 6 and 7).
//
// With k = 1 (K <= p) every site holds y itself: a repetition code whose
// sites are fully dependent. Choose p < K (k >= 2) for sites that are
// nearly independent (Theorem 8).
type ReedSolomon struct {
	classes, n, k int
	f             field
	// invDiff[d] = d^-1 mod p for d in [1, n): evaluation points differ by
	// less than n, so Lagrange weights need no other inverse.
	invDiff []uint32
}

// NewReedSolomon returns the Reed–Solomon code of K = classes labels over
// GF(p) with `sites` evaluation points 0..sites-1. Site 0 (point 0) holds
// the constant term, y mod p: the same function as a PrimeResidue site of
// prime p (site 0 of NewMixed(K, n) when p = ChooseField(K, 2)).
// NewSimplex chooses p and builds the code in one call.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrNotPrime if p is not a prime <= MaxPrime,
// ErrTooManySites if sites > p or sites > MaxSites, and ErrNotInjective if
// p^sites < K (fewer sites than digits, including sites < 1). Cost: O(sites)
// time and memory, plus a table of p inverses when p <= 65536.
func NewReedSolomon(classes, p, sites int) (*ReedSolomon, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewReedSolomon: %w", err)
	}
	if !IsPrime(p) {
		return nil, fmt.Errorf("codes: NewReedSolomon: field size %d is not a prime <= %d: %w", p, MaxPrime, ErrNotPrime)
	}
	if sites > p {
		return nil, fmt.Errorf("codes: NewReedSolomon: %d sites but GF(%d) has only %d points: %w", sites, p, p, ErrTooManySites)
	}
	if sites > MaxSites {
		return nil, fmt.Errorf("codes: NewReedSolomon: %d sites, at most %d: %w", sites, MaxSites, ErrTooManySites)
	}
	k := 0
	for pw := 1; pw < classes; pw *= p {
		k++
	}
	if sites < k {
		return nil, fmt.Errorf("codes: NewReedSolomon: %d classes need %d base-%d digits, only %d sites: %w", classes, k, p, sites, ErrNotInjective)
	}
	m := &ReedSolomon{classes: classes, n: sites, k: k, f: newField(p), invDiff: make([]uint32, sites)}
	for d := 1; d < sites; d++ {
		m.invDiff[d] = uint32(m.f.invert(uint64(d)))
	}
	return m, nil
}

// Classes returns K.
func (m *ReedSolomon) Classes() int { return m.classes }

// Sites returns n, the number of evaluation points.
func (m *ReedSolomon) Sites() int { return m.n }

// SiteClasses returns p for every site; it panics if site is outside [0, n).
func (m *ReedSolomon) SiteClasses(site int) int {
	if site < 0 || site >= m.n {
		panic(fmt.Sprintf("codes: ReedSolomon.SiteClasses: site %d of %d", site, m.n))
	}
	return int(m.f.P)
}

// Prime returns p, the field size and alphabet of every site.
func (m *ReedSolomon) Prime() int { return int(m.f.P) }

// Digits returns k = ceil(log_p K), the message length: the number of
// base-p digits of a label and the number of sites that determine it.
func (m *ReedSolomon) Digits() int { return m.k }

// Points returns a copy of the evaluation points, one per site: site i is
// evaluated at i.
func (m *ReedSolomon) Points() []int {
	out := make([]int, m.n)
	for i := range out {
		out[i] = i
	}
	return out
}

// MinDistance returns n-k+1, the exact minimum Hamming distance between the
// codes of two labels (it is attained by labels below K since K > p^(k-1)).
func (m *ReedSolomon) MinDistance() int { return m.n - m.k + 1 }

// Encode writes f(i) mod p into dst[i] for every site, f being the
// polynomial of label's base-p digits (dst grown when too short), and
// returns dst; it allocates nothing when cap(dst) >= n. It returns
// ErrLabelRange if label is outside [0, K). Cost: O(n·k) modular
// multiplications.
func (m *ReedSolomon) Encode(label int, dst []int) ([]int, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	dst = grow(dst, m.n)
	var digits [maxDigits]uint64
	m.digits(label, digits[:m.k])
	for i := range dst {
		dst[i] = int(m.f.eval(digits[:m.k], uint64(i)))
	}
	return dst, nil
}

// digits writes the k base-p digits of y, least significant first.
func (m *ReedSolomon) digits(y int, d []uint64) {
	v := uint64(y)
	for j := range d {
		v, d[j] = m.f.QuoRem(v)
	}
}

// value returns Σ d_j p^j, which is below p^k < 2^62.
func (m *ReedSolomon) value(d []uint64) uint64 {
	v := uint64(0)
	for j := len(d) - 1; j >= 0; j-- {
		v = v*m.f.P + d[j]
	}
	return v
}

// Decode returns the label whose code is symbols. It panics if
// len(symbols) != n, returns ErrSymbolRange if a symbol is outside [0, p)
// and ErrNotCodeword if symbols is not the code of a label below K. It
// allocates nothing when it succeeds. Cost: O(n·k).
func (m *ReedSolomon) Decode(symbols []int) (int, error) {
	checkLength("ReedSolomon.Decode", len(symbols), m.n)
	for i, s := range symbols {
		if s < 0 || uint64(s) >= m.f.P {
			return 0, fmt.Errorf("codes: ReedSolomon.Decode: symbol %d at site %d outside [0, %d): %w", s, i, m.f.P, ErrSymbolRange)
		}
	}
	var coef [maxDigits]uint64
	m.interpolate(nil, symbols[:m.k], coef[:m.k])
	for i := m.k; i < m.n; i++ {
		if m.f.eval(coef[:m.k], uint64(i)) != uint64(symbols[i]) {
			return 0, errDecodeWord
		}
	}
	y := m.value(coef[:m.k])
	if y >= uint64(m.classes) {
		return 0, errDecodeWord
	}
	return int(y), nil
}

// Reconstruct returns the label whose symbols at the given sites are
// symbols (symbols[j] belongs to site sites[j]): Lagrange interpolation of
// the digit polynomial through the first k sites, each further site a
// check.
//
// It panics if len(sites) != len(symbols). It returns ErrSiteRange if a
// site is outside [0, n) or repeated, ErrSymbolRange if a symbol is outside
// [0, p), ErrTooFewSites if fewer than k sites are given, ErrLabelRange if
// the interpolated value is >= K (possible since p^k > K), and
// ErrNotCodeword if a further site disagrees. It allocates nothing, errors
// included, for codes of up to 1024 sites or subsets of up to 32 sites.
// Cost: O(k²) modular multiplications for the interpolation (no inversion:
// a table of the n inverses of point differences is precomputed) plus
// O(k) per further site.
func (m *ReedSolomon) Reconstruct(sites, symbols []int) (int, error) {
	if len(sites) != len(symbols) {
		panic(fmt.Sprintf("codes: ReedSolomon.Reconstruct: %d sites, %d symbols", len(sites), len(symbols)))
	}
	if !checkSites(sites, m.n) {
		return 0, errSite
	}
	for _, s := range symbols {
		if s < 0 || uint64(s) >= m.f.P {
			return 0, errSymbol
		}
	}
	if len(sites) < m.k {
		return 0, errReconstructFew
	}
	var coef [maxDigits]uint64
	m.interpolate(sites[:m.k], symbols[:m.k], coef[:m.k])
	y := m.value(coef[:m.k])
	if y >= uint64(m.classes) {
		return 0, errReconstructRange
	}
	for j := m.k; j < len(sites); j++ {
		if m.f.eval(coef[:m.k], uint64(sites[j])) != uint64(symbols[j]) {
			return 0, errReconstructWord
		}
	}
	return int(y), nil
}

// interpolate writes into coef (len k <= maxDigits) the coefficients of the
// polynomial of degree < k through (sites[i], symbols[i]), sites == nil
// meaning sites 0..k-1. Sites are distinct and in [0, n); symbols in [0, p).
func (m *ReedSolomon) interpolate(sites, symbols []int, coef []uint64) {
	k := len(coef)
	f := m.f
	// The common small cases in closed form.
	switch k {
	case 1:
		coef[0] = uint64(symbols[0])
		return
	case 2:
		x0, x1 := uint64(0), uint64(1)
		if sites != nil {
			x0, x1 = uint64(sites[0]), uint64(sites[1])
		}
		y0, y1 := uint64(symbols[0]), uint64(symbols[1])
		// slope (y0 - y1)/(x0 - x1), intercept y0 - slope·x0.
		slope := f.Mod((y0 + f.P - y1) * m.invDiffSigned(x0, x1))
		coef[1] = slope
		coef[0] = f.Mod(y0 + f.P - f.Mod(slope*x0))
		return
	}
	var xs [maxDigits]uint64
	for i := range k {
		if sites == nil {
			xs[i] = uint64(i)
		} else {
			xs[i] = uint64(sites[i])
		}
	}
	var master [maxDigits + 1]uint64
	m.master(xs[:k], master[:k+1])
	clear(coef)
	for i := range k {
		if symbols[i] != 0 {
			m.basis(xs[:k], master[:k+1], i, uint64(symbols[i]), coef)
		}
	}
}
