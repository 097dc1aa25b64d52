package hamming

import "math"

// topK collects the k smallest (Distance, ID) pairs offered to it, in any
// order. The first k are sorted once; after that, for small k, a candidate
// is inserted in place of the k-th (O(k)), and for large k candidates are
// appended and, when buf reaches 2k, sorted and cut back to k (O(log k)
// amortised). Either way the k-th best key is a bound: later candidates
// are worth offering only if their key is below it, and a caller that
// holds the bound in a register pays one comparison per code it rejects.
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
	nb := Neighbor{ID: id, Distance: d}
	if len(c.buf) < c.k || c.k > insertMaxK {
		c.buf = append(c.buf, nb)
		if len(c.buf) >= c.limit {
			c.compact()
		}
		return
	}
	// Small k, full and sorted: insertion in place of the k-th.
	i := len(c.buf) - 1
	for ; i > 0 && compareNeighbors(nb, c.buf[i-1]) < 0; i-- {
		c.buf[i] = c.buf[i-1]
	}
	c.buf[i] = nb
	c.setMax()
}

// insertMaxK is the largest k for which push keeps the k best sorted by
// insertion, O(k) per push; larger k batch pushes and sort every k pushes,
// O(log k) amortised.
const insertMaxK = 64

// setMax takes the bound from the k-th of the k sorted best.
func (c *topK) setMax() {
	last := c.buf[c.k-1]
	c.maxD, c.maxID = last.Distance, last.ID
	c.bound = c.maxD
	if c.dedupe {
		c.bound++
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
		c.setMax()
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
