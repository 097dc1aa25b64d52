package decode

import (
	"math"
	"sync"

	"github.com/labelcode/labelcode/codes"
)

// scratch is per-call working memory, taken from scratchPool so that
// decoders are safe for concurrent use and allocate nothing once warm.
type scratch struct {
	rows [][]float64 // present score vectors, ascending site
	idx  []int       // their site indices
	sym  []int       // one symbol per site (or per present site)
	coef []int       // Reed–Solomon digits / coefficients
	res  []Scored    // top-k buffer
	ints []int       // misc

	search searchScratch
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// growInts returns s resliced to n, reallocating only when too short.
func growInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n, n+n/4)
	}
	return s[:n]
}

// present fills sc.rows and sc.idx with the non-nil vectors of logp.
func (sc *scratch) present(logp [][]float64) {
	sc.rows, sc.idx = sc.rows[:0], sc.idx[:0]
	for i, v := range logp {
		if v != nil {
			sc.rows = append(sc.rows, v)
			sc.idx = append(sc.idx, i)
		}
	}
}

// Exhaustive scores all K labels of m and returns the best: the label y
// maximising Σ_i logp[i][f_i(y)] over the present sites i (LM paper,
// §IV-C), ties broken by the smallest label. It is the reference that
// MaxProduct reproduces exactly.
//
// logp holds one vector per site, logp[i] of length m.SiteClasses(i), of
// log-probabilities (any finite scores or −Inf work; higher is better). A nil
// entry is a missing site and is left out of the sum. The score is summed in
// ascending site order starting from 0.
//
// It returns ErrSiteCount if len(logp) != m.Sites(), ErrVectorLength for a
// vector of the wrong length, ErrScore for a NaN or +Inf, and ErrNoSites if
// every entry is nil. Cost: O(K·n) time (symbols are updated incrementally
// for OneHot, Binary, PrimeResidue and ReedSolomon, taken from m.Encode for
// other mappings) and O(n) memory.
func Exhaustive(m codes.Mapping, logp [][]float64) (Scored, error) {
	var buf [1]Scored
	out, err := ExhaustiveTopK(m, logp, 1, buf[:0])
	if err != nil {
		return Scored{}, err
	}
	return out[0], nil
}

// ExhaustiveTopK is Exhaustive for the k best labels: it appends them to
// dst[:0] by descending score, ties by ascending label, and returns it
// (min(k, K) entries; none for k <= 0). Errors as for Exhaustive. Cost:
// O(K·(n + log k)).
func ExhaustiveTopK(m codes.Mapping, logp [][]float64, k int, dst []Scored) ([]Scored, error) {
	l := newLayout(m)
	if err := checkShape(l.q, logp); err != nil {
		return dst[:0], err
	}
	for i, v := range logp {
		if _, err := checkVector(i, v); err != nil {
			return dst[:0], err
		}
	}
	if k <= 0 {
		return dst[:0], nil
	}
	k = min(k, l.classes)
	sc := getScratch()
	defer putScratch(sc)
	sc.present(logp)
	var t topK
	t.reset(k, dst)
	l.scan(sc, &t)
	return t.sorted(), nil
}

// scan offers every label with its score to t, in ascending label order,
// over the present sites recorded in sc.rows / sc.idx.
func (l *layout) scan(sc *scratch, t *topK) {
	switch l.kind {
	case kindOneHot:
		l.scanOneHot(sc, t)
	case kindBinary:
		l.scanBinary(sc, t)
	case kindPrimeResidue:
		l.scanPrimeResidue(sc, t)
	case kindReedSolomon:
		l.scanReedSolomon(sc, t)
	default:
		l.scanGeneric(sc, t)
	}
}

// offerer is the inner-loop test of a scan: labels arrive in ascending
// order, so once t is full a label enters only with a strictly higher score
// than the worst kept.
type offerer struct {
	t    *topK
	full bool
	thr  float64
}

func newOfferer(t *topK) offerer {
	return offerer{t: t, full: t.full(), thr: math.Inf(-1)}
}

func (o *offerer) take(y int, s float64) {
	o.t.push(Scored{Label: y, Score: s})
	if o.t.full() {
		o.full = true
		o.thr = o.t.kth().Score
	}
}

func (l *layout) scanOneHot(sc *scratch, t *topK) {
	o := newOfferer(t)
	r := sc.rows[0]
	for y, s := range r[:l.classes] {
		// 0 + s, as in every other scan: turns −0 into +0.
		s = 0 + s
		if s > o.thr || !o.full {
			o.take(y, s)
		}
	}
}

func (l *layout) scanBinary(sc *scratch, t *topK) {
	o := newOfferer(t)
	pos := growInts(sc.sym, len(sc.idx))
	sc.sym = pos
	for j, i := range sc.idx {
		pos[j] = l.pos[i]
	}
	rows := sc.rows
	for y := 0; y < l.classes; y++ {
		s := 0.0
		for j, r := range rows {
			s += r[(y>>pos[j])&1]
		}
		if s > o.thr || !o.full {
			o.take(y, s)
		}
	}
}

func (l *layout) scanPrimeResidue(sc *scratch, t *topK) {
	o := newOfferer(t)
	n := len(sc.idx)
	buf := growInts(sc.sym, 2*n)
	sc.sym = buf
	sym, pr := buf[:n], buf[n:2*n]
	for j, i := range sc.idx {
		sym[j] = 0
		pr[j] = l.primes[i]
	}
	rows := sc.rows
	switch n {
	case 2:
		r0, r1 := rows[0], rows[1]
		p0, p1 := pr[0], pr[1]
		s0, s1 := 0, 0
		for y := 0; y < l.classes; y++ {
			s := 0 + r0[s0] + r1[s1]
			if s > o.thr || !o.full {
				o.take(y, s)
			}
			if s0++; s0 == p0 {
				s0 = 0
			}
			if s1++; s1 == p1 {
				s1 = 0
			}
		}
	case 3:
		r0, r1, r2 := rows[0], rows[1], rows[2]
		p0, p1, p2 := pr[0], pr[1], pr[2]
		s0, s1, s2 := 0, 0, 0
		for y := 0; y < l.classes; y++ {
			s := 0 + r0[s0] + r1[s1] + r2[s2]
			if s > o.thr || !o.full {
				o.take(y, s)
			}
			if s0++; s0 == p0 {
				s0 = 0
			}
			if s1++; s1 == p1 {
				s1 = 0
			}
			if s2++; s2 == p2 {
				s2 = 0
			}
		}
	default:
		for y := 0; y < l.classes; y++ {
			s := 0.0
			for j, r := range rows {
				s += r[sym[j]]
			}
			if s > o.thr || !o.full {
				o.take(y, s)
			}
			for j, p := range pr {
				v := sym[j] + 1
				if v == p {
					v = 0
				}
				sym[j] = v
			}
		}
	}
}

func (l *layout) scanReedSolomon(sc *scratch, t *topK) {
	o := newOfferer(t)
	n := len(sc.idx)
	sym := growInts(sc.sym, n)
	sc.sym = sym
	d := growInts(sc.coef, l.k)
	sc.coef = d
	clear(d)
	clear(sym)
	rows := sc.rows
	p := l.p
	for y := 0; y < l.classes; y++ {
		s := 0.0
		for j, r := range rows {
			s += r[sym[j]]
		}
		if s > o.thr || !o.full {
			o.take(y, s)
		}
		// Adding 1 to the constant digit adds 1 to every evaluation; a
		// carry changes higher digits, and the symbols are recomputed.
		if d[0]++; d[0] < p {
			for j := range sym {
				v := sym[j] + 1
				if v == p {
					v = 0
				}
				sym[j] = v
			}
			continue
		}
		for c := 0; c < len(d) && d[c] == p; c++ {
			d[c] = 0
			if c+1 < len(d) {
				d[c+1]++
			}
		}
		for j, i := range sc.idx {
			sym[j] = l.eval(d, l.points[i])
		}
	}
}

func (l *layout) scanGeneric(sc *scratch, t *topK) {
	o := newOfferer(t)
	sym := growInts(sc.sym, l.sites)
	for y := 0; y < l.classes; y++ {
		sym, _ = l.m.Encode(y, sym)
		s := 0.0
		for j, r := range sc.rows {
			s += r[sym[sc.idx[j]]]
		}
		if s > o.thr || !o.full {
			o.take(y, s)
		}
	}
	sc.sym = sym
}
