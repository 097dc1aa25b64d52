package decode

import (
	"math/bits"

	"github.com/labelcode/labelcode/codes"
)

// kind says how a mapping's symbols are computed inside this package.
type kind int

const (
	// kindGeneric: symbols come from the mapping's Encode; no structure is
	// used (RandomBinary, mappings from other packages).
	kindGeneric kind = iota
	// kindOneHot: one site whose symbol is the label.
	kindOneHot
	// kindBinary: site i holds one bit of the label at position pos[i].
	kindBinary
	// kindPrimeResidue: site i holds label mod primes[i].
	kindPrimeResidue
	// kindReedSolomon: site i holds f(points[i]) mod p, f the polynomial
	// of the label's k base-p digits (least significant = constant term).
	kindReedSolomon
)

// layout is a mapping together with what this package knows about its
// structure. It is immutable after newLayout.
type layout struct {
	m       codes.Mapping
	kind    kind
	classes int
	sites   int
	q       []int // alphabet size of each site

	primes []int     // kindPrimeResidue
	pmod   []fastMod // kindPrimeResidue: reduction by each prime

	p, k   int     // kindReedSolomon: field size and number of digits
	points []int   // kindReedSolomon: evaluation point of each site
	fp     fastMod // kindReedSolomon: reduction mod p

	pos []int // kindBinary: bit position of each site
}

// newLayout inspects m. The structure assumed for each known mapping type is
// checked against m.Encode on a set of labels; a mapping that does not
// match is treated as generic, which is always correct, only slower.
func newLayout(m codes.Mapping) *layout {
	l := &layout{m: m, classes: m.Classes(), sites: m.Sites()}
	l.q = make([]int, l.sites)
	for i := range l.q {
		l.q[i] = m.SiteClasses(i)
	}
	switch t := m.(type) {
	case *codes.OneHot:
		if l.sites == 1 && l.q[0] == l.classes {
			l.kind = kindOneHot
		}
	case *codes.Binary:
		l.kind = kindBinary
		l.pos = make([]int, l.sites)
		for i := range l.pos {
			l.pos[i] = i
		}
	case *codes.PrimeResidue:
		l.kind = kindPrimeResidue
		l.primes = t.Primes()
	case *codes.ReedSolomon:
		l.kind = kindReedSolomon
		l.p, l.k, l.points = t.Prime(), t.Digits(), t.Points()
	}
	if l.kind != kindGeneric && !l.verify() {
		l.kind = kindGeneric
	}
	switch l.kind {
	case kindPrimeResidue:
		l.pmod = make([]fastMod, len(l.primes))
		for i, p := range l.primes {
			l.pmod[i] = newFastMod(uint64(p))
		}
	case kindReedSolomon:
		l.fp = newFastMod(uint64(l.p))
	}
	return l
}

// verify compares l.encode with m.Encode on labels 0, 1, K-1 and a dozen
// others: a structure that differs from the mapping's differs on almost
// every label.
func (l *layout) verify() bool {
	want := make([]int, l.sites)
	got := make([]int, l.sites)
	coef := make([]int, l.k)
	check := func(y int) bool {
		var err error
		want, err = l.m.Encode(y, want)
		if err != nil {
			return false
		}
		l.encode(y, got, coef)
		for i := range want {
			if want[i] != got[i] {
				return false
			}
		}
		return true
	}
	s := uint64(0x9e3779b97f4a7c15)
	for _, y := range []int{0, 1, l.classes - 1, l.classes / 2, l.classes / 3} {
		if !check(y) {
			return false
		}
	}
	for range 11 {
		s = splitmix(s)
		if !check(int(s % uint64(l.classes))) {
			return false
		}
	}
	return true
}

// splitmix is one step of the SplitMix64 generator (used only to pick
// labels deterministically).
func splitmix(s uint64) uint64 {
	s += 0x9e3779b97f4a7c15
	z := s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// encode writes the symbols of label y (0 <= y < K) into dst (len = sites)
// using the known structure; coef is scratch of length k for Reed–Solomon.
// For kindGeneric it calls m.Encode.
func (l *layout) encode(y int, dst []int, coef []int) {
	switch l.kind {
	case kindOneHot:
		dst[0] = y
	case kindBinary:
		for i, b := range l.pos {
			dst[i] = (y >> b) & 1
		}
	case kindPrimeResidue:
		for i, p := range l.primes {
			dst[i] = y % p
		}
	case kindReedSolomon:
		l.digits(y, coef)
		for i, x := range l.points {
			dst[i] = l.eval(coef, x)
		}
	default:
		// Encode writes exactly Sites() symbols into a long enough dst.
		_, _ = l.m.Encode(y, dst)
	}
}

// digits writes the k base-p digits of y, least significant first.
func (l *layout) digits(y int, d []int) {
	for j := range d {
		d[j] = y % l.p
		y /= l.p
	}
}

// eval returns Σ_j coef[j]·x^j mod p (Horner). p < 2^31, so every product
// fits in 62 bits.
func (l *layout) eval(coef []int, x int) int {
	v := 0
	for j := len(coef) - 1; j >= 0; j-- {
		v = (v*x + coef[j]) % l.p
	}
	return v
}

// invMod returns a^-1 mod m for gcd(a, m) = 1, 0 < a < m.
func invMod(a, m int) int {
	t, nt := 0, 1
	r, nr := m, a
	for nr != 0 {
		qq := r / nr
		t, nt = nt, t-qq*nt
		r, nr = nr, r-qq*nr
	}
	if t < 0 {
		t += m
	}
	return t
}

// mulMod returns a·b mod m for a, b < m < 2^63.
func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return bits.Rem64(hi, lo, m)
}

// fastMod computes n mod p with a multiplication instead of a division
// (Barrett reduction with m = floor((2^64−1)/p)): the quotient estimate
// hi(n·m) is at most 2 below n/p, which the loop corrects.
type fastMod struct {
	p, m uint64
}

func newFastMod(p uint64) fastMod { return fastMod{p: p, m: ^uint64(0) / p} }

func (f fastMod) mod(n uint64) uint64 {
	q, _ := bits.Mul64(n, f.m)
	r := n - q*f.p
	for r >= f.p {
		r -= f.p
	}
	return r
}
