package decode

import (
	"fmt"
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
	acc  []float64   // block of label scores
	pre  []float64   // table scan: partial sums of the leading sites
	tab  []int       // table scan: low-digit symbol tables

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
// It returns ErrParam if m is nil (or a typed nil pointer), ErrSiteCount if
// len(logp) != m.Sites(), ErrVectorLength for a vector of the wrong length,
// ErrScore for a NaN or +Inf, and ErrNoSites if every entry is nil. Cost:
// O(K·n) time (symbols are updated incrementally from the generator of a
// codes.Linear mapping, taken from m.Encode for other mappings) and
// O(n·digits) memory, plus symbol tables of at most 2^15 entries when the
// generator's base is small (as for codes.Binary), kept in pooled scratch.
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
	if isNil(m) {
		return dst[:0], fmt.Errorf("decode: Exhaustive: nil mapping: %w", ErrParam)
	}
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
// over the present sites recorded in sc.rows / sc.idx: by table when the
// generator's base is small and the tables fit (scanTable), otherwise by
// runs of the lowest digit (scanLinear), and through Encode for a mapping
// without structure.
func (l *layout) scan(sc *scratch, t *topK) {
	switch {
	case l.lin != nil && l.low >= 2 && l.scanTable(sc, t):
	case l.lin != nil:
		l.scanLinear(sc, t)
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

// scanBlockLen is the longest run of labels a blocked scan scores at once.
const scanBlockLen = 2048

// scanLinear scores labels in runs over which only the lowest generator
// digit changes, going up by one per label. Over such a run a site whose
// coefficient of that digit is 1 steps through its symbols without
// wrapping (the run also stops before it wraps), so it adds a contiguous
// slice of its vector to a block of sums; a site whose coefficient is 0
// adds one constant; any other site limits the run to one label. The adds
// are sequential, and each label's sum is still formed in site order from
// 0, exactly as one label at a time. A run shorter than shortRun (small
// alphabets that scanTable leaves) is scored one label at a time instead,
// the sum kept in a register rather than added into the block site by
// site. When the lowest digit wraps, the digits carry and each symbol
// moves by the site's carry step (see carry).
func (l *layout) scanLinear(sc *scratch, t *topK) {
	o := newOfferer(t)
	n := len(sc.idx)
	buf := growInts(sc.sym, 4*n)
	sc.sym = buf
	sym, step, mod, hi := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	for j, i := range sc.idx {
		sym[j], step[j], mod[j], hi[j] = 0, l.step[i], l.q[i], 0
	}
	d := growInts(sc.coef, l.digits)
	sc.coef = d
	clear(d)
	if cap(sc.acc) < scanBlockLen {
		sc.acc = make([]float64, scanBlockLen)
	}
	acc := sc.acc[:scanBlockLen]
	rows := sc.rows
	for y := 0; y < l.classes; {
		run := min(l.classes-y, scanBlockLen, l.base-d[0])
		for j, s := range sym {
			switch step[j] {
			case 0:
			case 1:
				run = min(run, mod[j]-s)
			default:
				run = 1
			}
		}
		if run < shortRun {
			for x := range run {
				s := 0.0
				// A step other than 0 and 1 makes the run one label.
				for j, r := range rows {
					s += r[sym[j]+x*step[j]]
				}
				if s > o.thr || !o.full {
					o.take(y+x, s)
				}
			}
		} else {
			scanBlock(acc[:run], rows, sym, step)
			for x, s := range acc[:run] {
				if s > o.thr || !o.full {
					o.take(y+x, s)
				}
			}
		}
		y += run
		if d[0] += run; d[0] == l.base {
			d[0] = 0
			c := 1
			for ; c < len(d); c++ {
				if d[c]++; d[c] < l.base {
					break
				}
				d[c] = 0
			}
			if c == len(d) {
				break // past base^digits >= K
			}
			// Digits 1..c−1 went from base−1 to 0, digit c up by one.
			cs := l.carry[c*l.sites:]
			for j, i := range sc.idx {
				h := hi[j] + cs[i]
				if h >= mod[j] {
					h -= mod[j]
				}
				hi[j], sym[j] = h, h
			}
			continue
		}
		for j := range sym {
			switch step[j] {
			case 0:
			case 1:
				if sym[j] += run; sym[j] == mod[j] {
					sym[j] = 0
				}
			default:
				if sym[j] += step[j]; sym[j] >= mod[j] {
					sym[j] -= mod[j]
				}
			}
		}
	}
}

// shortRun is the run length below which scanLinear scores labels one at
// a time.
const shortRun = 4

// scanBlock writes into a the scores of the len(a) labels of a run, given
// the present sites' rows, their symbols at the run's first label and
// their coefficients of the lowest digit (0 or 1 when len(a) > 1).
func scanBlock(a []float64, rows [][]float64, sym, step []int) {
	run := len(a)
	for j, r := range rows {
		s := sym[j]
		switch {
		case step[j] == 1 && j == 0:
			for x, v := range r[s : s+run] {
				a[x] = 0 + v
			}
		case step[j] == 1:
			for x, v := range r[s : s+run] {
				a[x] += v
			}
		case j == 0:
			v := 0 + r[s]
			for x := range a {
				a[x] = v
			}
		default:
			v := r[s]
			for x := range a {
				a[x] += v
			}
		}
	}
}

// tableBlockLen bounds the block of a table scan: lowLen = base^low
// labels.
const tableBlockLen = 2048

// maxTableEntries bounds the symbol tables of a table scan, so that their
// memory stays a small multiple of a block's.
const maxTableEntries = 1 << 15

// scanTable scores labels in blocks of lowLen = base^low labels, over
// which only the low `low` digits change: they form one digit x, the label
// modulo lowLen. The symbol of site i at label h·lowLen + x is (tab_i[x] +
// off_i(h)) mod q_i, tab_i holding the contribution of the low digits
// (built once per call) and off_i that of the high digits (once per
// block). The leading present sites that depend on no high digit give the
// same partial sums pre[x] in every block, summed once per call; each
// further site adds to a block of sums either a constant (it depends on
// no low digit) or a table lookup. Each label's sum is thus formed in site
// order from 0, exactly as one label at a time. For base 2 (codes.Binary)
// this turns runs of two labels into blocks of 2048, most of whose sites
// are summed once per call. It reports false, having offered nothing,
// when the tables would exceed maxTableEntries.
func (l *layout) scanTable(sc *scratch, t *topK) bool {
	n, bl := len(sc.idx), l.lowLen
	m := 0 // leading sites on low digits only
	for m < n && !l.highDep[sc.idx[m]] {
		m++
	}
	nt := 0 // further sites with tables
	for _, i := range sc.idx[m:] {
		if l.lowDep[i] {
			nt++
		}
	}
	if (nt+1)*bl > maxTableEntries {
		return false
	}
	tabs := growInts(sc.tab, (nt+1)*bl)
	sc.tab = tabs
	tmp, tabs := tabs[:bl], tabs[bl:]
	for _, i := range sc.idx[m:] {
		if l.lowDep[i] {
			l.lowTable(i, tabs[:bl])
			tabs = tabs[bl:]
		}
	}
	tabs = sc.tab[bl:]
	if cap(sc.pre) < bl {
		sc.pre = make([]float64, bl)
	}
	if cap(sc.acc) < max(bl, scanBlockLen) {
		sc.acc = make([]float64, max(bl, scanBlockLen))
	}
	pre, acc := sc.pre[:min(bl, l.classes)], sc.acc[:bl]
	rows := sc.rows
	for j, i := range sc.idx[:m] {
		l.lowTable(i, tmp)
		r := rows[j]
		if j == 0 {
			for x := range pre {
				pre[x] = 0 + r[tmp[x]]
			}
		} else {
			for x := range pre {
				pre[x] += r[tmp[x]]
			}
		}
	}

	o := newOfferer(t)
	off := growInts(sc.sym, n-m)
	sc.sym = off
	hd := growInts(sc.coef, l.digits) // high digits of the block; low ones 0
	sc.coef = hd
	clear(hd)
	for y := 0; y < l.classes; y += bl {
		run := min(bl, l.classes-y)
		a := pre[:run]
		if m < n {
			a = acc[:run]
			src := pre[:run]
			if m == 0 {
				clear(a)
				src = a
			}
			for j, i := range sc.idx[m:] {
				var v uint64
				for _, tm := range l.gTerm[l.gOff[i]:l.gOff[i+1]] {
					if tm.ix >= l.low {
						v += uint64(hd[tm.ix]) * tm.c
					}
				}
				if l.gRed[i] {
					v = l.qmod[i].Mod(v)
				}
				off[j] = int(v)
			}
			tb := tabs
			for j := m; j < n; src = a {
				if i := sc.idx[j]; l.lowDep[i] {
					r, tab := rows[j], tb[:run]
					q, c := uint(l.q[i]), uint(off[j-m])
					tb = tb[bl:]
					src = src[:len(tab)]
					for x, s := range tab {
						u := uint(s) + c
						if u >= q {
							u -= q
						}
						a[x] = src[x] + r[u]
					}
					j++
					continue
				}
				// Up to four sites of constant symbols at once.
				var v [4]float64
				c := 0
				for ; c < len(v) && j < n && !l.lowDep[sc.idx[j]]; c, j = c+1, j+1 {
					v[c] = rows[j][off[j-m]]
				}
				addConsts(a, src, v[:c])
			}
		}
		for x, s := range a {
			if s > o.thr || !o.full {
				o.take(y+x, s)
			}
		}
		for c := l.low; c < len(hd); c++ {
			if hd[c]++; hd[c] < l.base {
				break
			}
			hd[c] = 0
		}
	}
	return true
}

// addConsts sets a[x] = src[x] + v[0] + v[1] + … (1 <= len(v) <= 4),
// adding in that order; src may be a.
func addConsts(a, src, v []float64) {
	src = src[:len(a)]
	switch len(v) {
	case 1:
		for x, s := range src {
			a[x] = s + v[0]
		}
	case 2:
		v0, v1 := v[0], v[1]
		for x, s := range src {
			a[x] = s + v0 + v1
		}
	case 3:
		v0, v1, v2 := v[0], v[1], v[2]
		for x, s := range src {
			a[x] = s + v0 + v1 + v2
		}
	default:
		v0, v1, v2, v3 := v[0], v[1], v[2], v[3]
		for x, s := range src {
			a[x] = s + v0 + v1 + v2 + v3
		}
	}
}

// lowTable writes into tab (len lowLen) the contribution of the low
// digits to the symbol of site i: tab[x] = Σ_{j<low} g_ij·x_j mod q_i, x_j
// the digits of x. It builds digit by digit, x_j·base^j + x' from x' <
// base^j, by one modular addition per entry.
func (l *layout) lowTable(i int, tab []int) {
	q := uint(l.q[i])
	terms := l.gTerm[l.gOff[i]:l.gOff[i+1]]
	tab[0] = 0
	stride := 1
	for j := range l.low {
		c := uint(0)
		for _, t := range terms {
			if t.ix == j {
				c = uint(t.c)
			}
		}
		for d := 1; d < l.base; d++ {
			prev, cur := tab[(d-1)*stride:d*stride], tab[d*stride:(d+1)*stride]
			for x, v := range prev {
				u := uint(v) + c
				if u >= q {
					u -= q
				}
				cur[x] = int(u)
			}
		}
		stride *= l.base
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
