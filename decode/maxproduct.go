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
	l  *layout
	ta *taPlan // nil when the threshold algorithm does not apply
	// whole: all sites together determine the label and no fewer do
	// (codes.Binary), so the search has one part, every site.
	whole bool
}

// NewMaxProduct returns a max-product decoder for m. It returns an ErrParam
// error if m is nil (or a typed nil pointer). A mapping that implements
// codes.Linear is searched; any other is decoded by the exhaustive scan.
// Cost: O(n·digits) to read m's generator, plus, for codes.Linear mappings
// of at most 16 sites, O(2^n·n) Determines calls and O(2^n·F) steps (F the
// number of minimal key sets, at most 256) to plan the threshold algorithm.
func NewMaxProduct(m codes.Mapping) (*MaxProduct, error) {
	if isNil(m) {
		return nil, fmt.Errorf("decode: NewMaxProduct: nil mapping: %w", ErrParam)
	}
	d := &MaxProduct{l: newLayout(m)}
	d.ta = newTAPlan(d.l)
	if l := d.l; l.lin != nil && l.sites > 1 && !someDropOneDetermines(l) {
		all := make([]int, l.sites)
		for i := range all {
			all[i] = i
		}
		d.whole = l.lin.Determines(all)
	}
	return d, nil
}

// Structured reports whether d searches: its mapping implements
// codes.Linear with a well-formed generator. Otherwise every call scans
// all K labels (still exact, O(K·n)). O(1).
func (d *MaxProduct) Structured() bool { return d.l.lin != nil }

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
// symbols found so far by descending score, ties by ascending symbol.
type siteOrder struct {
	order []int32
	band  []symScore // heap of the symbols of the current band
	width float64    // score width of the next band
}

// part is a set of sites whose symbols determine the label, with the
// best-first enumeration of their symbol combinations.
type part struct {
	sites []int   // ascending
	heap  []hent  // max-heap by sum
	ranks []int32 // len(sites) ranks per node
	t0    float64 // sum of the best combination

	rc    recon   // how to reconstruct the label from the part's symbols
	rcFor *layout // the layout rc was prepared for; nil if none
}

type hent struct {
	sum  float64
	node int32
}

// gapSite orders sites for planning: by ascending drop (how far the best
// label found so far is from the site's top score; 0 before the search),
// then by descending gap between the site's two best scores.
type gapSite struct {
	drop float64
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
	lbls  []int

	ta taScratch

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
		if cap(o.order) < topPrefix {
			o.order = make([]int32, 0, 2*topPrefix)
		}
		var err error
		o.band = o.band[:0]
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
	case huge:
		l.scan(sc, &t)
		ss.path = pathScan
	case d.ta != nil && d.taUsable(sc, logp):
		ss.path = pathSearch
		if !d.taSearch(sc, logp, &t) {
			t.reset(k, t.h)
			l.scan(sc, &t)
			ss.path = pathBudget
		}
	case !d.plan(sc, logp, -1):
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
// ascending symbol. It reads v once; the checks cost one max per value.
func scanTop(site int, v []float64, top []int32) ([]int32, scanInfo, error) {
	m := min(topPrefix, len(v))
	var maxExp uint64
	for j, x := range v[:m] {
		maxExp = max(maxExp, math.Float64bits(x)&expMask)
		p := len(top)
		top = append(top, int32(j))
		// !(x <= ...) moves a NaN to the front, where the check below
		// finds it; any order is fine for an input that is rejected.
		for p > 0 && !(x <= v[top[p-1]]) {
			top[p] = top[p-1]
			p--
		}
		top[p] = int32(j)
	}
	thr := v[top[m-1]]
	rest := v[m:]
	for jj, x := range rest {
		maxExp = max(maxExp, math.Float64bits(x)&expMask)
		if x > thr {
			p := m - 1
			for p > 0 && x > v[top[p-1]] {
				top[p] = top[p-1]
				p--
			}
			top[p] = int32(jj + m)
			thr = v[top[m-1]]
		}
	}
	info := scanInfo{max: v[top[0]]}
	if maxExp >= hugeBits {
		var err error
		if info, err = checkSpecial(site, v, info); err != nil {
			return top, info, err
		}
	}
	return top, info, nil
}

// symScore is a symbol with its score, for the per-site heaps.
type symScore struct {
	s float64
	j int32
}

// before reports whether a ranks before b: higher score, then smaller symbol.
func before(a, b symScore) bool {
	return a.s > b.s || (a.s == b.s && a.j < b.j)
}

// ensure makes rank r of site i available, reporting false if the site has
// fewer than r+1 symbols. Past the prefix, sorted access proceeds by score
// bands: one pass over v collects every symbol ranked after those known
// down to a threshold into a heap, from which ranks are popped as needed.
// The band's width starts at the spread of the prefix's lower half, so that
// it holds about as many symbols again, and grows fourfold each time.
// Reaching depth D costs O(q) per band plus O(log q) per rank.
func (ss *searchScratch) ensure(i, r int, v []float64) bool {
	o := &ss.ord[i]
	if r < len(o.order) {
		return true
	}
	if r >= len(v) {
		return false
	}
	for len(o.order) <= r {
		o.extend(v)
	}
	return true
}

// extend appends the next symbol in rank order to o.order; o.order must be
// shorter than v.
func (o *siteOrder) extend(v []float64) {
	if len(o.band) == 0 {
		o.newBand(v)
	}
	o.order = append(o.order, o.band[0].j)
	o.band = popSym(o.band)
}

// newBand fills o.band, as a heap, with the symbols ranked after the last
// of o.order whose score is within o.width of it (widening until some are).
func (o *siteOrder) newBand(v []float64) {
	depth := len(o.order)
	lastJ := o.order[depth-1]
	last := v[lastJ]
	if depth <= topPrefix {
		o.width = v[o.order[depth/2]] - last
	}
	if !(o.width > 0) || math.IsInf(o.width, 1) {
		o.width = max(math.Abs(last), 1) * 0x1p-20
	}
	for {
		tau := last - o.width
		h := o.band[:0]
		for j, x := range v {
			// Symbols ranked after the prefix: a lower score, or the
			// same score and a larger symbol.
			if x < tau || x > last || (x == last && int32(j) <= lastJ) {
				continue
			}
			h = append(h, symScore{s: x, j: int32(j)})
		}
		o.band = h
		o.width *= 4
		if len(h) > 0 {
			for k := len(h)/2 - 1; k >= 0; k-- {
				siftDown(h, k)
			}
			return
		}
	}
}

func siftDown(h []symScore, i int) {
	n := len(h)
	x := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && before(h[c+1], h[c]) {
			c++
		}
		if !before(h[c], x) {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}

func popSym(h []symScore) []symScore {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	if last > 0 {
		siftDown(h, 0)
	}
	return h
}

func compareGap(a, b gapSite) int {
	if c := cmp.Compare(a.drop, b.drop); c != 0 {
		return c
	}
	if c := cmp.Compare(b.gap, a.gap); c != 0 {
		return c
	}
	return a.site - b.site
}

// plan splits the present sites into parts that each determine the label,
// plus leftover sites. It returns false when no bounded search applies.
// With best >= 0, sites where label best scores far below the site's top
// are made leftovers first (see search).
func (d *MaxProduct) plan(sc *scratch, logp [][]float64, best int) bool {
	l := d.l
	ss := &sc.search
	ss.left = ss.left[:0]
	np := 0
	newPart := func() *part {
		// Parts beyond len keep their buffers for the next call.
		if np < cap(ss.parts) {
			ss.parts = ss.parts[:np+1]
		} else {
			ss.parts = append(ss.parts, part{})
		}
		p := &ss.parts[np]
		np++
		p.sites = p.sites[:0]
		return p
	}
	if l.lin == nil {
		return false
	}
	if d.whole {
		// One part of every site, or none if some site is missing.
		if len(sc.idx) != l.sites {
			return false
		}
		p := newPart()
		p.sites = append(p.sites, sc.idx...)
		ss.parts = ss.parts[:np]
		return d.prepareParts(ss, logp)
	}
	// Most peaked sites first: their enumerations end soonest.
	ss.gaps = ss.gaps[:0]
	if best >= 0 {
		sc.sym = growInts(sc.sym, l.sites)
		sc.coef = growInts(sc.coef, l.digits)
		l.encode(best, sc.sym, sc.coef)
	}
	for _, i := range sc.idx {
		o := ss.ord[i].order
		g := math.Inf(1)
		if len(o) > 1 {
			g = logp[i][o[0]] - logp[i][o[1]]
		}
		drop := 0.0
		if best >= 0 {
			drop = logp[i][o[0]] - logp[i][sc.sym[i]]
		}
		ss.gaps = append(ss.gaps, gapSite{drop: drop, gap: g, site: i})
	}
	slices.SortFunc(ss.gaps, compareGap)
	// A part closes as soon as its sites determine the label; a set whose
	// alphabets multiply to less than K cannot, so Determines is asked
	// only past that point.
	var cur *part
	prod := 1
	for _, g := range ss.gaps {
		if cur == nil {
			cur = newPart()
			prod = 1
		}
		cur.sites = append(cur.sites, g.site)
		prod = satMul(prod, l.q[g.site], l.classes)
		if prod >= l.classes && l.lin.Determines(cur.sites) {
			cur = nil
		}
	}
	if cur != nil {
		ss.left = append(ss.left, cur.sites...)
		np--
	}
	ss.parts = ss.parts[:np]
	if np == 0 {
		return false
	}
	for pi := range ss.parts {
		slices.Sort(ss.parts[pi].sites)
	}
	return d.prepareParts(ss, logp)
}

// prepareParts prepares the reconstruction of every part (sites ascending)
// and starts its enumeration, reporting false if some reconstruction
// fails. A part whose scratch already holds the reconstruction of the same
// sites of the same layout, from an earlier call, keeps it.
func (d *MaxProduct) prepareParts(ss *searchScratch, logp [][]float64) bool {
	for pi := range ss.parts {
		p := &ss.parts[pi]
		if p.rcFor == d.l && slices.Equal(p.rc.r.Sites, p.sites) {
			continue
		}
		p.rcFor = nil
		if !d.l.prepare(p.sites, &p.rc) {
			return false
		}
		p.rcFor = d.l
	}
	d.startParts(ss, logp)
	return true
}

// startParts prepares every part's reconstruction and puts its best
// combination on its heap.
func (d *MaxProduct) startParts(ss *searchScratch, logp [][]float64) {
	for pi := range ss.parts {
		p := &ss.parts[pi]
		dd := len(p.sites)
		p.ranks = growInt32(p.ranks, dd)
		clear(p.ranks)
		p.t0 = p.sum(logp, ss, p.ranks)
		p.heap = append(p.heap[:0], hent{sum: p.t0, node: 0})
	}
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, 2*n)
	}
	return s[:n]
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

// search runs the best-first search over a partition of the sites into
// parts, offering candidates to t. It returns false if it gave up (budget
// spent); t is then to be discarded.
//
// Bound: write d_i(y) = M_i − logp[i][f_i(y)] >= 0 for the drop of label y
// at site i below the site's best score M_i, so score(y) = ΣM − Σ_i d_i(y).
// A label not generated yet by part P has Σ_{i∈P} d_i(y) >= D_P, the drop
// of P's next combination below its best one; the parts are disjoint, so
// Σ_i d_i(y) >= Σ_P D_P.
func (d *MaxProduct) search(sc *scratch, logp [][]float64, t *topK) bool {
	l := d.l
	ss := &sc.search
	np := len(sc.idx)
	sumMax, absMax := 0.0, 0.0
	for _, i := range sc.idx {
		sumMax += ss.info[i].max
		absMax += math.Abs(ss.info[i].max)
	}
	budget := d.budget(np)
	replanned := false
	for pops := 0; ; pops++ {
		ss.pops = pops
		if pops == 1 && !replanned && len(ss.left) > 0 && len(t.h) > 0 {
			// A site where the first label found scores far below the
			// site's top (a base learner that is wrong here) holds the
			// bound up; as a leftover it costs only its own drop, but
			// inside a part the part must enumerate every combination
			// down to the true symbol's rank. Plan again with such
			// sites as leftovers; labels found so far stay valid.
			replanned = true
			d.replan(sc, logp, t)
		}
		parts := ss.parts
		sumD, absT := 0.0, 0.0
		next, nextD := -1, math.Inf(1)
		for pi := range parts {
			p := &parts[pi]
			tp := p.top()
			dp := p.t0 - tp
			sumD += dp
			absT += math.Abs(tp) + math.Abs(p.t0)
			if len(p.heap) > 0 && (dp < nextD || next < 0) {
				next, nextD = pi, dp
			}
		}
		if math.IsInf(sumD, 1) {
			// Every label not generated yet scores −Inf (or all have
			// been generated).
			ss.lbls = t.fillNegInf(l.classes, ss.lbls)
			return true
		}
		if t.full() {
			kth := t.kth().Score
			bound := sumMax - sumD
			if bound < kth && bound < kth-margin(np+len(parts), kth, absMax, absT) {
				return true
			}
		}
		if pops >= budget {
			return false
		}
		// The part whose next combination has dropped least holds the
		// bound up most.
		d.expand(sc, logp, &parts[next], t)
	}
}

// replan plans again around the best label in t if that changes the
// leftover sites, reporting whether it did.
func (d *MaxProduct) replan(sc *scratch, logp [][]float64, t *topK) bool {
	ss := &sc.search
	best := t.h[0]
	for _, e := range t.h[1:] {
		if worse(best, e) {
			best = e
		}
	}
	ss.lbls = append(ss.lbls[:0], ss.left...)
	if !d.plan(sc, logp, best.Label) {
		panic("decode: internal error: replanning failed")
	}
	if len(ss.lbls) != len(ss.left) {
		return true
	}
	slices.Sort(ss.lbls)
	slices.Sort(ss.left)
	return !slices.Equal(ss.lbls, ss.left)
}

// margin bounds the rounding error between the bound (formed from sums over
// parts) and a label's score (summed in site order): with every
// |score| < 2^1000 each of the n terms of a sum, and each derived quantity,
// is within n·2^-53 relative of its exact value (Higham, "Accuracy and
// Stability of Numerical Algorithms", §4.2); the labels that matter have
// every term within |thr| + 2·Σ|M_i| of 0. The factor 8 leaves room to spare.
func margin(n int, thr, absMax, absParts float64) float64 {
	const u = 0x1p-53
	fn := float64(n)
	return 8 * fn * u * (absParts + fn*(math.Abs(thr)+3*absMax))
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
	if y, s, ok := d.candidate(sc, &p.rc, ss.vals); ok {
		t.offer(Scored{Label: y, Score: s})
	}
}

// candidate reconstructs with rc the label whose symbols at rc's sites are
// vals and scores it over all present sites in site order; ok is false
// when the value reconstructed is not a label.
func (d *MaxProduct) candidate(sc *scratch, rc *recon, vals []int) (y int, s float64, ok bool) {
	l := d.l
	var one [1]int
	dig := one[:]
	if l.digits > 1 || rc.r.Digits > 1 {
		sc.coef = growInts(sc.coef, max(rc.r.Digits, l.digits))
		dig = sc.coef[:rc.r.Digits]
	}
	if y, ok = rc.value(vals, dig, l.classes); !ok {
		return 0, 0, false
	}
	if l.digits == 1 {
		// One generator digit, the label itself: site i holds
		// step[i]·y mod q_i.
		for j, r := range sc.rows {
			st := &l.one[sc.idx[j]]
			s += r[st.fm.Mod(st.step*uint64(y))]
		}
		return y, s, true
	}
	if !rc.same {
		dig = sc.coef[:l.digits]
		l.toDigits(y, dig)
	}
	if l.pow {
		// Horner's rule at each site's point.
		fm, top := l.umod, uint64(dig[len(dig)-1])
		for j, r := range sc.rows {
			x, v := l.pts[sc.idx[j]], top
			for t := len(dig) - 2; t >= 0; t-- {
				v = fm.Mod(v*x + uint64(dig[t]))
			}
			s += r[v]
		}
		return y, s, true
	}
	for j, r := range sc.rows {
		s += r[l.symbol(sc.idx[j], dig)]
	}
	return y, s, true
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
