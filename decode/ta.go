package decode

import (
	"math"
	"math/bits"
	"slices"
)

// Threshold algorithm (Fagin, Lotem, Naor, "Optimal aggregation algorithms
// for middleware", 2003) for label mappings whose labels are fixed by the
// symbols of any key set of sites.
//
// Each site's symbols are read in descending score ("sorted access"). A
// symbol read at site i is combined with the symbols already read at the
// other sites of every key set containing i; each combination is a
// candidate label, reconstructed (CRT, Lagrange) and scored over all
// present sites. A label y not generated yet cannot have read symbols on all
// sites of any key set, so the sites where its symbol is unread hit every
// key set: they contain a minimal transversal T of the key sets. At each
// site i ∈ T its score is at most u_i, the score of the first unread symbol,
// elsewhere at most the site's maximum M_i, so
//
//	score(y) <= ΣM − min_T Σ_{i∈T} (M_i − u_i).
//
// The search reads next at the site with the smallest M_i − u_i in the
// minimising T, and stops when the bound falls below the k-th best score
// found (less a rounding margin).

// maxFamily bounds the number of key sets and of minimal transversals the
// threshold algorithm works with; beyond that, the part search is used.
const maxFamily = 256

// maxTASites is the most sites for which the key sets are enumerated (over
// all 2^n subsets); larger codes use the part search.
const maxTASites = 16

// taPlan is the precomputed structure of the threshold algorithm.
type taPlan struct {
	keys   [][]int // minimal key sets, sites ascending
	recons []recon // recons[i] reconstructs a label from keys[i]
	trans  [][]int // minimal transversals of keys
	keysOf [][]int // keysOf[site]: indices of the key sets holding site
}

// newTAPlan returns the plan for l, or nil if the threshold algorithm does
// not apply: no structure, more than maxTASites sites, families larger
// than maxFamily, or a single key set of several sites (its combinations
// are searched better best first by the part search than by combining
// every symbol read with all those read at the other sites).
//
// The key sets are the minimal sets of sites that determine the label.
// Determines is monotone (a superset of a determining set determines), so
// the subsets are visited by increasing size, each marked as determining
// if a one-smaller subset is, else asked about (when its alphabets
// multiply to K or more) and then a key set if it determines. Once every
// subset of some size determines, so do all larger ones and the visit
// stops. A minimal transversal of the key sets is the complement of a
// maximal non-determining set, read off the same marks. Cost: O(s·C(n,s))
// steps summed over the sizes s visited (at most O(2^n·n)) and 2^n bits,
// plus one Determines call per candidate key set.
func newTAPlan(l *layout) *taPlan {
	if l.lin == nil || l.sites > maxTASites {
		return nil
	}
	n := l.sites
	full := 1<<n - 1
	buf := make([]int, 0, n)
	sitesOf := func(mask int) []int {
		buf = buf[:0]
		for r := mask; r != 0; r &= r - 1 {
			buf = append(buf, bits.TrailingZeros(uint(r)))
		}
		return buf
	}
	// Only the full set determines (codes.Binary): one key set of
	// several sites, or none.
	if n > 1 && !someDropOneDetermines(l) {
		return nil
	}
	det := make([]uint64, full>>6+1) // bit mask: the sites of mask determine
	isDet := func(mask int) bool { return det[mask>>6]&(1<<(mask&63)) != 0 }
	var keyMasks []int
	top := n // every subset of this size (and larger) determines
	for s := 1; s <= n && top == n; s++ {
		all := true
		for mask := 1<<s - 1; mask <= full; mask = nextSubset(mask) {
			sub := false
			for r := mask; r != 0; r &= r - 1 {
				if isDet(mask &^ (r & -r)) {
					sub = true
					break
				}
			}
			if !sub {
				prod := 1
				for r := mask; r != 0; r &= r - 1 {
					prod = satMul(prod, l.q[bits.TrailingZeros(uint(r))], l.classes)
				}
				if prod < l.classes || !l.lin.Determines(sitesOf(mask)) {
					all = false
					continue
				}
				if keyMasks = append(keyMasks, mask); len(keyMasks) > maxFamily {
					return nil
				}
			}
			det[mask>>6] |= 1 << (mask & 63)
		}
		if all {
			top = s
		}
	}
	if len(keyMasks) == 0 || (len(keyMasks) == 1 && bits.OnesCount(uint(keyMasks[0])) > 1) {
		return nil
	}
	// A set hits every key set iff its complement rest determines
	// nothing; it is minimal iff adding any one of its sites to rest
	// determines. Non-determining sets are smaller than top.
	var transMasks []int
	for s := 0; s < top; s++ {
		for rest := 1<<s - 1; rest <= full; rest = nextSubset(rest) {
			if isDet(rest) {
				continue
			}
			mask := full &^ rest
			minimal := true
			for r := mask; r != 0; r &= r - 1 {
				if !isDet(rest | r&-r) {
					minimal = false
					break
				}
			}
			if minimal {
				if transMasks = append(transMasks, mask); len(transMasks) > maxFamily {
					return nil
				}
			}
			if rest == 0 {
				break
			}
		}
	}
	// Ascending masks, so that the plan does not depend on the visiting
	// order.
	slices.Sort(keyMasks)
	slices.Sort(transMasks)
	keys, trans := masksToSets(keyMasks, n), masksToSets(transMasks, n)
	t := &taPlan{keys: keys, trans: trans, keysOf: make([][]int, l.sites), recons: make([]recon, len(keys))}
	for ki, key := range keys {
		if !l.prepare(key, &t.recons[ki]) {
			return nil
		}
		for _, i := range key {
			t.keysOf[i] = append(t.keysOf[i], ki)
		}
	}
	return t
}

// someDropOneDetermines reports whether the sites of l other than some one
// site determine the label. n Determines calls.
func someDropOneDetermines(l *layout) bool {
	buf := make([]int, 0, l.sites)
	for i := range l.sites {
		buf = buf[:0]
		for j := range l.sites {
			if j != i {
				buf = append(buf, j)
			}
		}
		if l.lin.Determines(buf) {
			return true
		}
	}
	return false
}

// nextSubset returns the next larger integer with as many bits set as
// mask > 0 (Gosper's hack).
func nextSubset(mask int) int {
	low := mask & -mask
	high := mask + low
	return high | ((mask^high)>>2)/low
}

func masksToSets(masks []int, n int) [][]int {
	out := make([][]int, len(masks))
	for j, m := range masks {
		for i := range n {
			if m&(1<<i) != 0 {
				out[j] = append(out[j], i)
			}
		}
	}
	return out
}

// taScratch is the per-call state of the threshold algorithm.
type taScratch struct {
	keyOK []bool // key set fully present
	depth []int  // symbols read per site
	tau   []float64
	ranks []int // odometer over a key set's other sites
	vals  []int
	cands int // candidates evaluated
}

// taUsable reports whether some key set is fully present.
func (d *MaxProduct) taUsable(sc *scratch, logp [][]float64) bool {
	ta := &sc.search.ta
	if cap(ta.keyOK) < len(d.ta.keys) {
		ta.keyOK = make([]bool, len(d.ta.keys))
	}
	ta.keyOK = ta.keyOK[:len(d.ta.keys)]
	any := false
	for ki, key := range d.ta.keys {
		ok := true
		for _, i := range key {
			if logp[i] == nil {
				ok = false
				break
			}
		}
		ta.keyOK[ki] = ok
		any = any || ok
	}
	return any
}

// taSearch runs the threshold algorithm, offering candidates to t. It
// returns false if it gave up (budget spent); t is then to be discarded.
func (d *MaxProduct) taSearch(sc *scratch, logp [][]float64, t *topK) bool {
	l, plan := d.l, d.ta
	ss := &sc.search
	ta := &ss.ta
	n := l.sites
	ta.depth = growInts(ta.depth, n)
	clear(ta.depth)
	if cap(ta.tau) < n {
		ta.tau = make([]float64, n)
	}
	ta.tau = ta.tau[:n]
	ta.cands = 0
	np := len(sc.idx)
	sumMax, absMax := 0.0, 0.0
	for _, i := range sc.idx {
		sumMax += ss.info[i].max
		absMax += math.Abs(ss.info[i].max)
	}
	budget := d.budget(np)
	for _, i := range sc.idx {
		d.taRead(sc, logp, t, i)
	}
	for steps := 0; ; steps++ {
		ss.pops = ta.cands
		absU := 0.0
		for _, i := range sc.idx {
			tau := math.Inf(1)
			if ss.ensure(i, ta.depth[i], logp[i]) {
				u := logp[i][ss.ord[i].order[ta.depth[i]]]
				tau = ss.info[i].max - u
				if !math.IsInf(u, -1) {
					absU += math.Abs(u)
				}
			}
			ta.tau[i] = tau
		}
		minSum, minT := math.Inf(1), -1
		for ti, tr := range plan.trans {
			s := 0.0
			for _, i := range tr {
				if logp[i] != nil {
					s += ta.tau[i]
				}
			}
			if s < minSum || minT < 0 {
				minSum, minT = s, ti
			}
		}
		if math.IsInf(minSum, 1) {
			// Every label not generated yet scores −Inf.
			ss.lbls = t.fillNegInf(l.classes, ss.lbls)
			return true
		}
		if t.full() {
			kth := t.kth().Score
			bound := sumMax - minSum
			if bound < kth && bound < kth-margin(np, kth, absMax, absU+math.Abs(minSum)) {
				return true
			}
		}
		if ta.cands > budget {
			return false
		}
		// Read next at the site of the minimising transversal with the
		// smallest M_i − u_i: it holds the bound down most.
		next := -1
		for _, i := range plan.trans[minT] {
			if logp[i] == nil || math.IsInf(ta.tau[i], 1) {
				continue
			}
			if next < 0 || ta.tau[i] < ta.tau[next] {
				next = i
			}
		}
		d.taRead(sc, logp, t, next)
	}
}

// taRead reads the next symbol of site i and offers every label it
// completes: for each present key set holding i, every combination of the
// new symbol with symbols already read at the set's other sites.
func (d *MaxProduct) taRead(sc *scratch, logp [][]float64, t *topK, i int) {
	plan := d.ta
	ss := &sc.search
	ta := &ss.ta
	r := ta.depth[i]
	if !ss.ensure(i, r, logp[i]) {
		return
	}
	ta.depth[i]++
	sym := int(ss.ord[i].order[r])
	for _, ki := range plan.keysOf[i] {
		if !ta.keyOK[ki] {
			continue
		}
		key := plan.keys[ki]
		ta.ranks = growInts(ta.ranks, len(key))
		ta.vals = growInts(ta.vals, len(key))
		ranks, vals := ta.ranks, ta.vals
		empty := false
		for j, s := range key {
			ranks[j] = 0
			if s == i {
				vals[j] = sym
			} else if ta.depth[s] == 0 {
				empty = true
				break
			} else {
				vals[j] = int(ss.ord[s].order[0])
			}
		}
		if empty {
			continue
		}
		// Odometer over the read ranks of the key set's other sites.
		for {
			ta.cands++
			if y, s, ok := d.candidate(sc, &plan.recons[ki], vals); ok {
				t.offer(Scored{Label: y, Score: s})
			}
			j := len(key) - 1
			for ; j >= 0; j-- {
				s := key[j]
				if s == i {
					continue
				}
				if ranks[j]+1 < ta.depth[s] {
					ranks[j]++
					vals[j] = int(ss.ord[s].order[ranks[j]])
					break
				}
				ranks[j] = 0
				vals[j] = int(ss.ord[s].order[0])
			}
			if j < 0 {
				break
			}
		}
	}
}
