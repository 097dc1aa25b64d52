package hamming

import "math"

// topK collects the k smallest (Distance, ID) pairs offered to it, in any
// order. Candidates are appended to buf unsorted; when buf reaches 2k they
// are sorted and cut back to k, which fixes the k-th best key as a bound:
// later candidates are worth offering only if their key is below it. Each
// offer costs O(log k) amortised, and a caller that holds the bound in a
// register (maxD) pays one comparison per code it rejects.
type topK struct {
	buf   []Neighbor
	k     int
	limit int
	// Only a key strictly below (maxD, maxID) may enter the k best.
	maxD, maxID int
}

// newTopK returns a collector of the k best, using dst's storage.
func newTopK(dst []Neighbor, k, nbits int) topK {
	return topK{buf: dst[:0], k: k, limit: k, maxD: nbits + 1, maxID: math.MaxInt}
}

// accepts reports whether (d, id) may enter the k best. A caller that offers
// IDs in ascending order may test d < maxD alone: every ID it offers is
// larger than maxID.
func (c *topK) accepts(id, d int) bool {
	return d < c.maxD || (d == c.maxD && id < c.maxID)
}

// push appends a candidate that accepts has let through.
func (c *topK) push(id, d int) {
	c.buf = append(c.buf, Neighbor{ID: id, Distance: d})
	if len(c.buf) >= c.limit {
		c.compact()
	}
}

// compact sorts buf, cuts it to k and tightens the bound.
func (c *topK) compact() {
	SortNeighbors(c.buf)
	if len(c.buf) >= c.k {
		c.buf = c.buf[:c.k]
		last := c.buf[c.k-1]
		c.maxD, c.maxID = last.Distance, last.ID
	}
	c.limit = 2 * c.k
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

// reset forgets every candidate.
func (c *topK) reset(nbits int) {
	*c = newTopK(c.buf, c.k, nbits)
}
