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
// ErrScore for a NaN or +Inf, and ErrNoSites if every entry is nil. Cost: O(K·n) time (symbols are updated
// incrementally from the generator of a codes.Linear mapping, taken from
// m.Encode for other mappings) and O(n·digits) memory.
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
// over the present sites recorded in sc.rows / sc.idx.
func (l *layout) scan(sc *scratch, t *topK) {
	if l.lin != nil {
		l.scanLinear(sc, t)
	} else {
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
// alphabets, as in codes.Binary) is scored one label at a time instead,
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
