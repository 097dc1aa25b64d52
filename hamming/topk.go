package hamming

import "math"

// topK collects the k smallest (Distance, ID) pairs offered to it, in any
// order. Candidates are appended to buf unsorted; when buf reaches 2k they
// are sorted and cut back to k, which fixes the k-th best key as a bound:
// later candidates are worth offering only if their key is below it. Each
// offer costs O(log k) amortised, and a caller that holds the bound in a
// register pays one comparison per code it rejects.
type topK struct {
	buf   []Neighbor
	k     int
	limit int
	// Only a key strictly below (maxD, maxID) may enter the k best.
	maxD, maxID int
	// Scan kernels push the codes at distance below bound: maxD when
	// candidates come in ascending ID order after every candidate already
	// held (then any ID beats maxID), maxD+1 in dedupe mode.
	bound int
	// dedupe makes push check accepts and skip IDs already held: for a
	// scan after candidates came in arbitrary order.
	dedupe bool
}

// newTopK returns a collector of the k best, using dst's storage.
func newTopK(dst []Neighbor, k, nbits int) topK {
	return topK{buf: dst[:0], k: k, limit: k, maxD: nbits + 1, maxID: math.MaxInt, bound: nbits + 1}
}

// accepts reports whether (d, id) may enter the k best.
func (c *topK) accepts(id, d int) bool {
	return d < c.maxD || (d == c.maxD && id < c.maxID)
}

// push appends a candidate that accepts has let through (in dedupe mode,
// any candidate).
func (c *topK) push(id, d int) {
	if c.dedupe && (!c.accepts(id, d) || c.holds(id)) {
		return
	}
	c.buf = append(c.buf, Neighbor{ID: id, Distance: d})
	if len(c.buf) >= c.limit {
		c.compact()
	}
}

// holds reports whether id is among the candidates: O(k), and only asked
// about the rare codes that beat the bound.
func (c *topK) holds(id int) bool {
	for _, nb := range c.buf {
		if nb.ID == id {
			return true
		}
	}
	return false
}

// compact sorts buf, cuts it to k and tightens the bound.
func (c *topK) compact() {
	SortNeighbors(c.buf)
	if len(c.buf) >= c.k {
		c.buf = c.buf[:c.k]
		last := c.buf[c.k-1]
		c.maxD, c.maxID = last.Distance, last.ID
		c.bound = c.maxD
		if c.dedupe {
			c.bound++
		}
	}
	c.limit = 2 * c.k
}

// setDedupe switches to dedupe mode, for a scan in ID order after
// candidates came in any order.
func (c *topK) setDedupe() {
	if !c.dedupe {
		c.dedupe = true
		c.bound++
	}
}

// kth returns the distance of the k-th best candidate so far, or nbits+1
// if fewer than k were offered: every code not yet offered must be farther
// than kth (or as far with a larger ID) for the result to be final.
func (c *topK) kth() int {
	if len(c.buf) > c.k {
		c.compact()
	}
	return c.maxD
}

// result returns the k best, sorted.
func (c *topK) result() []Neighbor {
	c.compact()
	return c.buf
}
