package decode

import (
	"cmp"
	"slices"
)

// topK keeps the k best Scored seen so far: by descending score, ties by
// ascending label. h is a min-heap whose root is the worst kept entry.
type topK struct {
	k int
	h []Scored
}

// worse reports whether a ranks after b.
func worse(a, b Scored) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.Label > b.Label)
}

// compareScored orders by descending score, then ascending label.
func compareScored(a, b Scored) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	return a.Label - b.Label
}

func (t *topK) reset(k int, buf []Scored) {
	t.k = k
	t.h = buf[:0]
}

func (t *topK) full() bool { return len(t.h) >= t.k }

// kth returns the worst kept entry; only when full.
func (t *topK) kth() Scored { return t.h[0] }

// push offers s, whose label must not be kept already.
func (t *topK) push(s Scored) {
	if len(t.h) < t.k {
		t.h = append(t.h, s)
		t.up(len(t.h) - 1)
		return
	}
	if worse(t.h[0], s) {
		t.h[0] = s
		t.down(0)
	}
}

// offer is push for a label that may be kept already (a bounded search can
// generate a label more than once, always with the same score).
func (t *topK) offer(s Scored) {
	if len(t.h) >= t.k && !worse(t.h[0], s) {
		return
	}
	for _, e := range t.h {
		if e.Label == s.Label {
			return
		}
	}
	t.push(s)
}

func (t *topK) up(i int) {
	h := t.h
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (t *topK) down(i int) {
	h := t.h
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && worse(h[c+1], h[c]) {
			c++
		}
		if !worse(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// sorted returns the kept entries by descending score, ascending label.
func (t *topK) sorted() []Scored {
	slices.SortFunc(t.h, compareScored)
	return t.h
}
