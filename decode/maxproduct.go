package decode

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/labelcode/labelcode/codes"
)

// MaxProduct is the exact max-product decoder of a label mapping: it returns
// the label maximising Σ_i logp[i][f_i(y)] — exactly what Exhaustive returns,
// score bit for bit — by a best-first search that touches only the top of
// each site's score vector on peaked inputs (see the package doc). It is
// immutable and safe for concurrent use.
type MaxProduct struct {
	l *layout
}

// NewMaxProduct returns a max-product decoder for m. It returns an ErrParam
// error if m is nil. Cost: O(n) plus a few dozen encodings to check the
// structure assumed for m.
func NewMaxProduct(m codes.Mapping) (*MaxProduct, error) {
	if m == nil {
		return nil, fmt.Errorf("decode: NewMaxProduct: nil mapping: %w", ErrParam)
	}
	return &MaxProduct{l: newLayout(m)}, nil
}

// Mapping returns the mapping d decodes.
func (d *MaxProduct) Mapping() codes.Mapping { return d.l.m }

// Decode returns the label y maximising Σ_i logp[i][f_i(y)] over the present
// (non-nil) sites, with its score, ties broken by the smallest label: exactly
// what Exhaustive returns. It returns ErrSiteCount, ErrVectorLength, ErrScore
// or ErrNoSites as Exhaustive does. It allocates nothing once warm. Cost: see
// the package doc; never much more than Exhaustive.
func (d *MaxProduct) Decode(logp [][]float64) (Scored, error) {
	sc := getScratch()
	defer putScratch(sc)
	res, err := d.topK(sc, logp, 1, sc.res[:0])
	sc.res = res
	if err != nil {
		return Scored{}, err
	}
	return res[0], nil
}

// TopK returns the k best labels by descending score, ties by ascending
// label, appended to dst[:0]: exactly ExhaustiveTopK's answer. It returns
// min(k, K) entries, none for k <= 0, and the errors of Decode. With
// cap(dst) >= k it allocates nothing once warm.
func (d *MaxProduct) TopK(logp [][]float64, k int, dst []Scored) ([]Scored, error) {
	sc := getScratch()
	defer putScratch(sc)
	return d.topK(sc, logp, k, dst)
}

// topPrefix is the number of best symbols per site found while validating
// the input; deeper ranks come from a heap built on first need.
const topPrefix = 8

// siteOrder is sorted access to one site's symbols: order holds the best
// symbols found so far by descending score, ties by ascending symbol; heap
// holds the others once a rank past the prefix is needed.
type siteOrder struct {
	order  []int32
	heap   []int32
	heaped bool
}

// part is a set of sites whose symbols determine the label, with the
// best-first enumeration of their symbol combinations.
type part struct {
	sites []int   // ascending
	heap  []hent  // max-heap by sum
	ranks []int32 // len(sites) ranks per node
	t0    float64 // sum of the best combination

	mod  uint64   // prime residue: product of the part's primes
	coef []uint64 // prime residue: CRT coefficients
	lag  []int    // Reed–Solomon: Lagrange basis coefficients, d×d
}

type hent struct {
	sum  float64
	node int32
}

type gapSite struct {
	gap  float64
	site int
}

type searchScratch struct {
	info  []scanInfo
	ord   []siteOrder
	gaps  []gapSite
	parts []part
	left  []int
	tmp   []int32
	vals  []int
	poly  []int
	lbls  []int

	// What the last call did, for tests and benchmarks.
	path path
	pops int
}

// path records how a call was decoded.
type path int

const (
	pathSearch path = iota // bounded search
	pathScan               // no bound applies: exhaustive scan
	pathBudget             // search gave up: exhaustive scan
	pathNegInf             // a site scores −Inf everywhere
)

func (d *MaxProduct) topK(sc *scratch, logp [][]float64, k int, dst []Scored) ([]Scored, error) {
	l := d.l
	if err := checkShape(l.q, logp); err != nil {
		return dst[:0], err
	}
	ss := &sc.search
	n := l.sites
	if cap(ss.ord) < n {
		ss.ord = make([]siteOrder, n)
		ss.info = make([]scanInfo, n)
	}
	ss.ord, ss.info = ss.ord[:n], ss.info[:n]
	huge, negInf := false, false
	for i, v := range logp {
		if v == nil {
			continue
		}
		o := &ss.ord[i]
		o.heaped = false
		if cap(o.order) < topPrefix {
			o.order = make([]int32, 0, 2*topPrefix)
		}
		var err error
		o.order, ss.info[i], err = scanTop(i, v, o.order[:0])
		if err != nil {
			return dst[:0], err
		}
		huge = huge || ss.info[i].huge
		negInf = negInf || math.IsInf(ss.info[i].max, -1)
	}
	if k <= 0 {
		return dst[:0], nil
	}
	k = min(k, l.classes)
	var t topK
	t.reset(k, dst)
	sc.present(logp)
	switch {
	case negInf:
		// Some present site gives probability 0 to every symbol: every
		// label scores −Inf and the smallest labels win.
		ss.lbls = t.fillNegInf(l.classes, ss.lbls)
		ss.path = pathNegInf
	case huge || !d.plan(sc, logp):
		l.scan(sc, &t)
		ss.path = pathScan
	default:
		ss.path = pathSearch
		if !d.search(sc, logp, &t) {
			t.reset(k, t.h)
			l.scan(sc, &t)
			ss.path = pathBudget
		}
	}
	return t.sorted(), nil
}

// scanTop checks v (ErrScore for NaN or +Inf) and writes into top its
// min(topPrefix, len(v)) best symbols by descending score, ties by
// ascending symbol.
func scanTop(site int, v []float64, top []int32) ([]int32, scanInfo, error) {
	info := scanInfo{}
	m := min(topPrefix, len(v))
	for j, x := range v[:m] {
		if !(x < hugeScore && x > -hugeScore) {
			if err := badScore(site, j, x); err != nil {
				return top, info, err
			}
			info.huge = info.huge || !math.IsInf(x, -1)
		}
		p := len(top)
		top = append(top, int32(j))
		for p > 0 && x > v[top[p-1]] {
			top[p] = top[p-1]
			p--
		}
		top[p] = int32(j)
	}
	thr := v[top[m-1]]
	for j := m; j < len(v); j++ {
		x := v[j]
		if !(x < hugeScore && x > -hugeScore) {
			if err := badScore(site, j, x); err != nil {
				return top, info, err
			}
			info.huge = info.huge || !math.IsInf(x, -1)
		}
		if x > thr {
			p := m - 1
			for p > 0 && x > v[top[p-1]] {
				top[p] = top[p-1]
				p--
			}
			top[p] = int32(j)
			thr = v[top[m-1]]
		}
	}
	info.max = v[top[0]]
	return top, info, nil
}

// better reports whether symbol a of v ranks before symbol b.
func better(v []float64, a, b int32) bool {
	return v[a] > v[b] || (v[a] == v[b] && a < b)
}

// ensure makes rank r of site i available, reporting false if the site has
// fewer than r+1 symbols.
func (ss *searchScratch) ensure(i, r int, v []float64) bool {
	o := &ss.ord[i]
	if r < len(o.order) {
		return true
	}
	if r >= len(v) {
		return false
	}
	if !o.heaped {
		// Build a heap of all symbols and drop the prefix already known:
		// the order is total, so the first pops are exactly the prefix.
		h := o.heap[:0]
		for j := range v {
			h = append(h, int32(j))
		}
		for j := len(h)/2 - 1; j >= 0; j-- {
			siftDown(v, h, j)
		}
		for range len(o.order) {
			h = popSym(v, h)
		}
		o.heap = h
		o.heaped = true
	}
	for len(o.order) <= r {
		o.order = append(o.order, o.heap[0])
		o.heap = popSym(v, o.heap)
	}
	return true
}

func siftDown(v []float64, h []int32, i int) {
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && better(v, h[c+1], h[c]) {
			c++
		}
		if !better(v, h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

func popSym(v []float64, h []int32) []int32 {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	siftDown(v, h, 0)
	return h
}

func compareGap(a, b gapSite) int {
	if c := cmp.Compare(b.gap, a.gap); c != 0 {
		return c
	}
	return a.site - b.site
}

// plan splits the present sites into parts that each determine the label,
// plus leftover sites. It returns false when no bounded search applies.
func (d *MaxProduct) plan(sc *scratch, logp [][]float64) bool {
	l := d.l
	ss := &sc.search
	ss.left = ss.left[:0]
	np := 0
	newPart := func() *part {
		if np == len(ss.parts) {
			ss.parts = append(ss.parts, part{})
		}
		p := &ss.parts[np]
		np++
		p.sites = p.sites[:0]
		return p
	}
	switch l.kind {
	case kindOneHot:
		newPart().sites = append(ss.parts[0].sites[:0], 0)
	case kindBinary:
		if len(sc.idx) != l.sites {
			return false
		}
		p := newPart()
		p.sites = append(p.sites, sc.idx...)
	case kindPrimeResidue, kindReedSolomon:
		// Most peaked sites first: their enumerations end soonest.
		ss.gaps = ss.gaps[:0]
		for _, i := range sc.idx {
			o := ss.ord[i].order
			g := math.Inf(1)
			if len(o) > 1 {
				g = logp[i][o[0]] - logp[i][o[1]]
			}
			ss.gaps = append(ss.gaps, gapSite{gap: g, site: i})
		}
		slices.SortFunc(ss.gaps, compareGap)
		var cur *part
		prod := 1
		for _, g := range ss.gaps {
			if cur == nil {
				cur = newPart()
				prod = 1
			}
			cur.sites = append(cur.sites, g.site)
			if l.kind == kindPrimeResidue {
				prod = min(prod*l.primes[g.site], l.classes)
				if prod >= l.classes {
					cur = nil
				}
			} else if len(cur.sites) == l.k {
				cur = nil
			}
		}
		if cur != nil {
			ss.left = append(ss.left, cur.sites...)
			np--
		}
	default:
		return false
	}
	ss.parts = ss.parts[:np]
	if np == 0 {
		return false
	}
	for pi := range ss.parts {
		p := &ss.parts[pi]
		slices.Sort(p.sites)
		d.prepare(ss, p)
		dd := len(p.sites)
		p.ranks = growInt32(p.ranks, dd)
		clear(p.ranks)
		p.t0 = p.sum(logp, ss, p.ranks)
		p.heap = append(p.heap[:0], hent{sum: p.t0, node: 0})
	}
	return true
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, 2*n)
	}
	return s[:n]
}

// prepare computes the reconstruction coefficients of p.
func (d *MaxProduct) prepare(ss *searchScratch, p *part) {
	l := d.l
	dd := len(p.sites)
	switch l.kind {
	case kindPrimeResidue:
		m := uint64(1)
		for _, i := range p.sites {
			m *= uint64(l.primes[i])
		}
		p.mod = m
		if cap(p.coef) < dd {
			p.coef = make([]uint64, dd, 2*dd)
		}
		p.coef = p.coef[:dd]
		for t, i := range p.sites {
			pi := uint64(l.primes[i])
			rest := m / pi
			inv := uint64(invMod(int(rest%pi), int(pi)))
			p.coef[t] = mulMod(rest, inv, m)
		}
	case kindReedSolomon:
		// Lagrange basis L_t(x) = Π_{u≠t} (x − x_u)/(x_t − x_u), expanded
		// into coefficients: digit j of the label is Σ_t v_t·lag[t·d+j].
		pp := l.p
		p.lag = growInts(p.lag, dd*dd)
		ss.poly = growInts(ss.poly, dd+1)
		poly := ss.poly
		for t, i := range p.sites {
			xt := l.points[i]
			clear(poly)
			poly[0] = 1
			deg := 0
			den := 1
			for u, iu := range p.sites {
				if u == t {
					continue
				}
				xu := l.points[iu]
				// poly *= (x − xu)
				deg++
				for j := deg; j >= 0; j-- {
					c := 0
					if j > 0 {
						c = poly[j-1]
					}
					c = (c + (pp-xu%pp)*poly[j]) % pp
					poly[j] = c
				}
				den = den * (((xt-xu)%pp + pp) % pp) % pp
			}
			inv := invMod(den, pp)
			for j := range dd {
				p.lag[t*dd+j] = poly[j] * inv % pp
			}
		}
	}
}

// sum returns the score of the combination ranks of p, summed in site order.
func (p *part) sum(logp [][]float64, ss *searchScratch, ranks []int32) float64 {
	s := 0.0
	for t, i := range p.sites {
		s += logp[i][ss.ord[i].order[ranks[t]]]
	}
	return s
}

func (p *part) top() float64 {
	if len(p.heap) == 0 {
		return math.Inf(-1)
	}
	return p.heap[0].sum
}

func (p *part) push(e hent) {
	p.heap = append(p.heap, e)
	h := p.heap
	i := len(h) - 1
	for i > 0 {
		q := (i - 1) / 2
		if !hBefore(h[i], h[q]) {
			break
		}
		h[i], h[q] = h[q], h[i]
		i = q
	}
}

func (p *part) pop() hent {
	h := p.heap
	e := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	p.heap = h
	i, n := 0, len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && hBefore(h[c+1], h[c]) {
			c++
		}
		if !hBefore(h[c], h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	return e
}

func hBefore(a, b hent) bool {
	return a.sum > b.sum || (a.sum == b.sum && a.node < b.node)
}

// budget is the number of combinations the search may pop before it gives
// up and scans all labels: by then it has spent about as much as the scan.
func (d *MaxProduct) budget(present int) int {
	return d.l.classes*present/32 + 256
}

// search runs the bounded best-first search, offering candidates to t. It
// returns false if it gave up (budget spent); t is then to be discarded.
func (d *MaxProduct) search(sc *scratch, logp [][]float64, t *topK) bool {
	l := d.l
	ss := &sc.search
	parts := ss.parts
	np := len(sc.idx)
	leftSum, leftAbs, absMax := 0.0, 0.0, 0.0
	for _, i := range ss.left {
		leftSum += ss.info[i].max
		leftAbs += math.Abs(ss.info[i].max)
	}
	for _, i := range sc.idx {
		absMax += math.Abs(ss.info[i].max)
	}
	budget := d.budget(np)
	for pops := 0; ; pops++ {
		ss.pops = pops
		bound, boundAbs := leftSum, leftAbs
		best, bestDrop := -1, math.Inf(-1)
		for pi := range parts {
			p := &parts[pi]
			tp := p.top()
			bound += tp
			boundAbs += math.Abs(tp)
			if len(p.heap) > 0 {
				if drop := tp - p.t0; drop > bestDrop || best < 0 {
					best, bestDrop = pi, drop
				}
			}
		}
		if math.IsInf(bound, -1) {
			// Every label not generated yet scores −Inf (or all have
			// been generated).
			ss.lbls = t.fillNegInf(l.classes, ss.lbls)
			return true
		}
		if t.full() {
			kth := t.kth().Score
			if bound < kth && bound < kth-margin(np, kth, absMax, boundAbs) {
				return true
			}
		}
		if pops >= budget {
			return false
		}
		d.expand(sc, logp, &parts[best], t)
	}
}

// margin bounds the rounding error between the bound (summed by parts) and
// a label's score (summed in site order): with every |score| < 2^1000 and
// n terms, both are within n·2^-53 relative of the exact sums (Higham,
// "Accuracy and Stability of Numerical Algorithms", §4.2), with room to spare.
func margin(n int, thr, absMax, boundAbs float64) float64 {
	const u = 0x1p-53
	fn := float64(n)
	return 4 * fn * u * (boundAbs + 3*fn*(math.Abs(thr)+2*absMax))
}

// expand pops the best combination of p, pushes its children and offers
// its label, if any, to t.
func (d *MaxProduct) expand(sc *scratch, logp [][]float64, p *part, t *topK) {
	ss := &sc.search
	e := p.pop()
	dd := len(p.sites)
	ss.tmp = growInt32(ss.tmp, dd)
	r := ss.tmp
	copy(r, p.ranks[int(e.node)*dd:int(e.node+1)*dd])
	// Children of r: increment one coordinate at or after the last
	// non-zero one, so that every rank vector has exactly one parent.
	last := 0
	for j := dd - 1; j >= 0; j-- {
		if r[j] != 0 {
			last = j
			break
		}
	}
	for j := last; j < dd; j++ {
		i := p.sites[j]
		if !ss.ensure(i, int(r[j])+1, logp[i]) {
			continue
		}
		node := len(p.ranks) / dd
		r[j]++
		p.ranks = append(p.ranks, r...)
		r[j]--
		p.push(hent{sum: p.sum(logp, ss, p.ranks[node*dd:]), node: int32(node)})
	}
	ss.vals = growInts(ss.vals, dd)
	for j, i := range p.sites {
		ss.vals[j] = int(ss.ord[i].order[r[j]])
	}
	if y, s, ok := d.candidate(sc, p, ss.vals); ok {
		t.offer(Scored{Label: y, Score: s})
	}
}

// candidate reconstructs the label whose symbols on p's sites are vals and
// scores it over all present sites in site order; ok is false when vals are
// the symbols of no label.
func (d *MaxProduct) candidate(sc *scratch, p *part, vals []int) (y int, s float64, ok bool) {
	l := d.l
	switch l.kind {
	case kindOneHot:
		y = vals[0]
		return y, 0 + sc.rows[0][y], true
	case kindBinary:
		for j, i := range p.sites {
			y |= vals[j] << l.pos[i]
		}
		if y >= l.classes {
			return 0, 0, false
		}
		for j, r := range sc.rows {
			s += r[(y>>l.pos[sc.idx[j]])&1]
		}
		return y, s, true
	case kindPrimeResidue:
		var acc uint64
		if p.mod < 1<<32 {
			for j, v := range vals {
				acc += uint64(v) * p.coef[j] % p.mod
			}
			acc %= p.mod
		} else {
			for j, v := range vals {
				acc += mulMod(uint64(v), p.coef[j], p.mod)
				if acc >= p.mod {
					acc -= p.mod
				}
			}
		}
		if acc >= uint64(l.classes) {
			return 0, 0, false
		}
		y = int(acc)
		for j, r := range sc.rows {
			s += r[y%l.primes[sc.idx[j]]]
		}
		return y, s, true
	default: // kindReedSolomon
		dd := len(vals)
		sc.coef = growInts(sc.coef, dd)
		c := sc.coef
		for j := range dd {
			a := 0
			for t, v := range vals {
				a = (a + v*p.lag[t*dd+j]) % l.p
			}
			c[j] = a
		}
		for j := dd - 1; j >= 0; j-- {
			y = y*l.p + c[j]
			if y >= l.classes {
				return 0, 0, false
			}
		}
		for j, r := range sc.rows {
			s += r[l.eval(c, l.points[sc.idx[j]])]
		}
		return y, s, true
	}
}

// fillNegInf finishes a search in which every label not kept with a finite
// score scores −Inf: it drops kept −Inf entries and appends the smallest
// other labels with score −Inf until k are kept. lbls is scratch.
func (t *topK) fillNegInf(classes int, lbls []int) []int {
	h := t.h[:0]
	lbls = lbls[:0]
	for _, e := range t.h {
		if !math.IsInf(e.Score, -1) {
			h = append(h, e)
			lbls = append(lbls, e.Label)
		}
	}
	slices.Sort(lbls)
	j := 0
	for y := 0; len(h) < t.k && y < classes; y++ {
		for j < len(lbls) && lbls[j] < y {
			j++
		}
		if j < len(lbls) && lbls[j] == y {
			continue
		}
		h = append(h, Scored{Label: y, Score: math.Inf(-1)})
	}
	t.h = h
	return lbls
}
