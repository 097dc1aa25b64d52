package decode

import (
	"math/bits"
	"slices"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/modarith"
)

// layout is a mapping together with the structure this package uses: for
// a codes.Linear mapping whose generator passes the checks of setGenerator,
// symbols are computed from the generator's coefficients and labels are
// reconstructed from codes.Reconstruction coefficients; for any other
// mapping symbols come from Encode and only the exhaustive scan applies. It
// is immutable after newLayout.
type layout struct {
	m       codes.Mapping
	lin     codes.Linear // nil: no structure used
	classes int
	sites   int
	q       []int // alphabet size of each site

	// Generator (lin != nil): label y has digits base `base`, `digits` of
	// them; the symbol of site i is Σ gTerm[gOff[i]:gOff[i+1]] reduced
	// modulo q[i] when gRed[i].
	base, digits int
	bmod         modarith.Barrett
	shift        int // base = 1<<shift, or -1
	gOff         []int
	gTerm        []term
	gRed         []bool
	qmod         []modarith.Barrett
	step         []int // coefficient of digit 0 at each site
	// carry[c·sites+i] (1 <= c < digits): how the symbol of site i
	// moves, modulo q[i], when digits 1..c−1 wrap from base−1 to 0 and
	// digit c goes up by one: g_ic − (base−1)·Σ_{1<=j<c} g_ij.
	carry []int
	// low >= 2: a label's low `low` digits form one digit x < lowLen =
	// base^low, scanned by table (see scanTable); 0 otherwise. lowDep[i]
	// (highDep[i]): site i has a nonzero coefficient of a low (high)
	// digit.
	low, lowLen     int
	lowDep, highDep []bool
	// one (digits == 1): the symbol of site i at label y is
	// one[i].fm.Mod(one[i].step·y), in one array so that scoring a label
	// reads one entry per site.
	one []siteStep

	// pow (digits > 1): every site has the same alphabet size, reduced
	// by umod, and its row is the powers 1, x, x², … of a point x =
	// pts[i] (Reed–Solomon's Vandermonde rows), so that a candidate's
	// symbol is its digit polynomial at x, by Horner's rule.
	pow  bool
	pts  []uint64
	umod modarith.Barrett
}

// siteStep is a site's coefficient of a one-digit generator and the
// reduction by its alphabet size.
type siteStep struct {
	fm   modarith.Barrett
	step uint64
}

// term is one nonzero coefficient of a linear form: c times digit (or
// symbol) index ix, adding to output out.
type term struct {
	ix, out int
	c       uint64
}

// newLayout inspects m: the structure of a codes.Linear mapping is used
// when its generator is well formed, anything else is treated generically,
// which is always correct, only slower. Cost: O(n·digits).
func newLayout(m codes.Mapping) *layout {
	l := &layout{m: m, classes: m.Classes(), sites: m.Sites()}
	l.q = make([]int, l.sites)
	for i := range l.q {
		l.q[i] = m.SiteClasses(i)
	}
	if lin, ok := m.(codes.Linear); ok && l.setGenerator(lin.Generator()) {
		l.lin = lin
	}
	return l
}

// setGenerator checks g against the documented ranges (Base^(Digits−1) <
// K <= Base^Digits, coefficients in [0, q_i), every site's sum of products
// below 2^64) and stores it in sparse form, reporting whether it did.
func (l *layout) setGenerator(g codes.Generator) bool {
	if g.Base < 2 || g.Digits < 1 || g.Digits > 64 || len(g.Coef) != l.sites*g.Digits {
		return false
	}
	if !powersBracket(uint64(g.Base), g.Digits, uint64(l.classes)) {
		return false
	}
	l.base, l.digits = g.Base, g.Digits
	l.bmod = modarith.New(uint64(g.Base))
	l.shift = -1
	if g.Base&(g.Base-1) == 0 {
		l.shift = bits.TrailingZeros(uint(g.Base))
	}
	l.gOff = make([]int, l.sites+1)
	l.gRed = make([]bool, l.sites)
	l.qmod = make([]modarith.Barrett, l.sites)
	l.step = make([]int, l.sites)
	for i, q := range l.q {
		if q < 1 {
			return false
		}
		l.qmod[i] = modarith.New(uint64(q))
		var sum uint64
		for j, c := range g.Coef[i*g.Digits : (i+1)*g.Digits] {
			if c < 0 || c >= q {
				return false
			}
			if c == 0 {
				continue
			}
			hi, lo := bits.Mul64(uint64(c), uint64(g.Base-1))
			var carry uint64
			sum, carry = bits.Add64(sum, lo, 0)
			if hi != 0 || carry != 0 {
				return false
			}
			l.gTerm = append(l.gTerm, term{ix: j, out: i, c: uint64(c)})
		}
		l.gOff[i+1] = len(l.gTerm)
		l.gRed[i] = sum >= uint64(q)
		l.step[i] = g.Coef[i*g.Digits]
	}
	if g.Digits == 1 {
		// step·y <= step·(Base−1) < 2^64, as checked above.
		l.one = make([]siteStep, l.sites)
		for i := range l.one {
			l.one[i] = siteStep{fm: l.qmod[i], step: uint64(l.step[i])}
		}
	}
	l.low, l.lowLen = 0, 1
	for l.low < g.Digits && l.lowLen*g.Base <= tableBlockLen {
		l.low++
		l.lowLen *= g.Base
	}
	if l.low < 2 {
		l.low, l.lowLen = 0, 1
	}
	dep := make([]bool, 2*l.sites)
	l.lowDep, l.highDep = dep[:l.sites:l.sites], dep[l.sites:]
	for _, t := range l.gTerm {
		if t.ix < l.low {
			l.lowDep[t.out] = true
		} else {
			l.highDep[t.out] = true
		}
	}
	l.carry = make([]int, g.Digits*l.sites)
	for i, q := range l.q {
		qq, bm := uint64(q), uint64(g.Base-1)%uint64(q)
		var sum uint64 // Σ_{1<=j<c} g_ij mod q
		for c := 1; c < g.Digits; c++ {
			gc := uint64(g.Coef[i*g.Digits+c])
			l.carry[c*l.sites+i] = int((gc + qq - mulMod(bm, sum, qq)) % qq)
			sum = (sum + gc) % qq
		}
	}
	if g.Digits > 1 && l.sites > 0 && !slices.ContainsFunc(l.q, func(q int) bool { return q != l.q[0] }) {
		l.pts = powerPoints(g, l.q)
		l.pow, l.umod = l.pts != nil, l.qmod[0]
	}
	return true
}

// powerPoints returns the point x_i of each site if every row of g is
// 1, x_i, x_i², … modulo q_i and Horner's rule on digits below g.Base
// keeps every step below 2^64: (max(q, Base)−1)·(q−1) + Base−1 < 2^64.
// Otherwise it returns nil.
func powerPoints(g codes.Generator, q []int) []uint64 {
	d := g.Digits
	pts := make([]uint64, len(q))
	for i, qi := range q {
		row := g.Coef[i*d : (i+1)*d]
		if row[0] != 1%qi {
			return nil
		}
		x := uint64(row[1])
		for j := 2; j < d; j++ {
			if uint64(row[j]) != mulMod(uint64(row[j-1]), x, uint64(qi)) {
				return nil
			}
		}
		hi, lo := bits.Mul64(uint64(max(qi, g.Base)-1), uint64(qi-1))
		if _, carry := bits.Add64(lo, uint64(g.Base-1), 0); hi != 0 || carry != 0 {
			return nil
		}
		pts[i] = x
	}
	return pts
}

// powersBracket reports whether b^(d−1) < k <= b^d.
func powersBracket(b uint64, d int, k uint64) bool {
	pw, ok := powerBelow(b, d, k)
	if !ok {
		return false
	}
	hi, lo := bits.Mul64(pw, b)
	return hi != 0 || lo >= k
}

// satMul returns min(a·q, k) for 0 <= a < k, q >= 1, without overflow.
func satMul(a, q, k int) int {
	if q >= k {
		return k
	}
	return min(a*q, k)
}

// toDigits writes the l.digits base-l.base digits of y into d.
func (l *layout) toDigits(y int, d []int) {
	switch {
	case l.digits == 1:
		d[0] = y
	case l.shift >= 0:
		mask := l.base - 1
		for j := range d[:l.digits] {
			d[j] = (y >> (l.shift * j)) & mask
		}
	default:
		v := uint64(y)
		for j := range d[:l.digits] {
			var r uint64
			v, r = l.bmod.QuoRem(v)
			d[j] = int(r)
		}
	}
}

// symbol returns the symbol of site i of the label with digits d.
func (l *layout) symbol(i int, d []int) int {
	var acc uint64
	for _, t := range l.gTerm[l.gOff[i]:l.gOff[i+1]] {
		acc += uint64(d[t.ix]) * t.c
	}
	if l.gRed[i] {
		acc = l.qmod[i].Mod(acc)
	}
	return int(acc)
}

// encode writes the symbols of label y (0 <= y < K) into dst (len = sites),
// dig being scratch of length l.digits; without structure it calls
// m.Encode.
func (l *layout) encode(y int, dst, dig []int) {
	if l.lin == nil {
		// Encode writes exactly Sites() symbols into a long enough dst.
		_, _ = l.m.Encode(y, dst)
		return
	}
	l.toDigits(y, dig)
	for i := range dst {
		dst[i] = l.symbol(i, dig)
	}
}

// recon reconstructs a label from the symbols at a set of sites with the
// coefficients of a codes.Reconstruction, in 64-bit arithmetic.
type recon struct {
	r    codes.Reconstruction // sites, modulus, digits, coefficients
	fm   modarith.Barrett     // reduction by r.Modulus
	nz   []term               // nonzero coefficients: symbol ix, digit out
	red  []bool               // the digit's sum can reach the modulus
	wide bool                 // some digit's sum can overflow 64 bits
	same bool                 // the digits are the generator's
	// dense: at least half the coefficients are nonzero and no sum
	// overflows, so value reads r.Coef row by row (Lagrange bases).
	dense bool
}

// prepare fills rc for sites (which the caller knows to determine the
// label) from l.lin.Reconstruction, reusing rc's buffers. It reports false
// if the reconstruction fails or is out of the documented ranges; the
// caller then does without it.
func (l *layout) prepare(sites []int, rc *recon) bool {
	r := &rc.r
	if l.lin.Reconstruction(sites, r) != nil {
		return false
	}
	d := r.Digits
	if len(r.Sites) != len(sites) || r.Modulus < 2 || d < 1 || d > 64 || len(r.Coef) != len(sites)*d {
		return false
	}
	for t, i := range sites {
		if r.Sites[t] != i {
			return false
		}
	}
	// Modulus^(d−1) < K keeps Horner's rule below 2^62 (see value).
	if !powersAbove(r.Modulus, d, uint64(l.classes)) {
		return false
	}
	rc.fm = modarith.New(r.Modulus)
	rc.same = r.Modulus == uint64(l.base) && d == l.digits
	rc.nz = rc.nz[:0]
	if cap(rc.red) < d {
		rc.red = make([]bool, d)
	}
	rc.red = rc.red[:d]
	rc.wide = false
	for j := range d {
		var sum uint64
		wide := false
		for t, i := range sites {
			c := r.Coef[t*d+j]
			if c >= r.Modulus {
				return false
			}
			if c == 0 {
				continue
			}
			rc.nz = append(rc.nz, term{ix: t, out: j, c: c})
			hi, lo := bits.Mul64(uint64(max(l.q[i]-1, 0)), c)
			var carry uint64
			sum, carry = bits.Add64(sum, lo, 0)
			wide = wide || hi != 0 || carry != 0
		}
		rc.red[j] = wide || sum >= r.Modulus
		rc.wide = rc.wide || wide
	}
	rc.dense = !rc.wide && d > 1 && 2*len(rc.nz) >= len(r.Coef)
	return true
}

// powersAbove reports whether b^(d−1) < k.
func powersAbove(b uint64, d int, k uint64) bool {
	_, ok := powerBelow(b, d, k)
	return ok
}

// powerBelow returns b^(d−1) and true when every power b^1 … b^(d−1) is
// below k (computed without overflow), and false otherwise.
func powerBelow(b uint64, d int, k uint64) (uint64, bool) {
	pw := uint64(1)
	for range d - 1 {
		hi, lo := bits.Mul64(pw, b)
		if hi != 0 || lo >= k {
			return 0, false
		}
		pw = lo
	}
	return pw, true
}

// value writes into dig (len r.Digits) the digits reconstructed from vals,
// the symbols at rc's sites, and returns the label they make, ok false
// when it is not below classes.
func (rc *recon) value(vals, dig []int, classes int) (y int, ok bool) {
	m := rc.r.Modulus
	switch {
	case len(dig) == 1 && !rc.wide:
		// One digit, the label itself (as for CRT reconstruction).
		var a uint64
		for _, t := range rc.nz {
			a += uint64(vals[t.ix]) * t.c
		}
		if rc.red[0] {
			a = rc.fm.Mod(a)
		}
		if a >= uint64(classes) {
			return 0, false
		}
		dig[0] = int(a)
		return int(a), true
	case rc.dense:
		d := len(dig)
		coef := rc.r.Coef[:len(vals)*d]
		for j := range dig {
			var a uint64
			for t, v := range vals {
				a += uint64(v) * coef[t*d+j]
			}
			if rc.red[j] {
				a = rc.fm.Mod(a)
			}
			dig[j] = int(a)
		}
	case !rc.wide:
		clear(dig)
		for _, t := range rc.nz {
			dig[t.out] += int(uint64(vals[t.ix]) * t.c)
		}
		for j, red := range rc.red {
			if red {
				dig[j] = int(rc.fm.Mod(uint64(dig[j])))
			}
		}
	default:
		clear(dig)
		for _, t := range rc.nz {
			a := uint64(dig[t.out]) + mulMod(uint64(vals[t.ix]), t.c, m)
			if a >= m {
				a -= m
			}
			dig[t.out] = int(a)
		}
	}
	// With Modulus^(Digits−1) < K <= 2^31, a value below K times the
	// modulus plus a digit stays below 2^62.
	v := uint64(0)
	for j := len(dig) - 1; j >= 0; j-- {
		v = v*m + uint64(dig[j])
		if v >= uint64(classes) {
			return 0, false
		}
	}
	return int(v), true
}

// mulMod returns a·b mod m for a, b < m < 2^63.
func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return bits.Rem64(hi, lo, m)
}
