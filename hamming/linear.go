package hamming

import (
	"fmt"
	"slices"
)

// Linear is an exact index that compares the query with every stored code.
// The codes are packed one after the other in a single slice, so a search
// streams through memory at close to its bandwidth: O(n·Words(bits)) time,
// n·Words(bits)·8 bytes of memory and no other structure. The zero value is
// not usable; call NewLinear.
type Linear struct {
	nbits, w int
	n        int
	codes    []uint64
}

// NewLinear returns an empty exact linear-scan index of codes of the given
// number of bits. It panics if bits is negative.
func NewLinear(bits int) *Linear {
	if bits < 0 {
		panic(fmt.Errorf("hamming: NewLinear(%d): %w", bits, ErrBits))
	}
	return &Linear{nbits: bits, w: Words(bits)}
}

// Bits returns the length of the codes in bits.
func (l *Linear) Bits() int { return l.nbits }

// Len returns the number of stored codes.
func (l *Linear) Len() int { return l.n }

// Add stores a copy of code and returns its ID (0, 1, 2, ... in order of
// Add), in O(Words(bits)) amortised time. It panics, with an error wrapping
// ErrCodeLength or ErrUnusedBits, if Check(l.Bits(), code) fails. Add must
// not run concurrently with any other method.
func (l *Linear) Add(code []uint64) int {
	mustCheck("Linear.Add", l.nbits, code)
	l.codes = append(l.codes, code...)
	l.n++
	return l.n - 1
}

// AddPacked stores codes that are packed Words(bits) words each, one after
// the other, and returns the ID of the first (the others follow in order).
// It checks every code first and stores none if one is bad: it returns an
// error wrapping ErrCodeLength if len(codes) is not a multiple of
// Words(bits), or ErrUnusedBits. With bits == 0 there is no word to count
// codes by; use Add.
func (l *Linear) AddPacked(codes []uint64) (first int, err error) {
	n, err := checkPacked(l.nbits, codes)
	if err != nil {
		return l.n, fmt.Errorf("hamming: Linear.AddPacked: %w", err)
	}
	first = l.n
	l.codes = append(l.codes, codes...)
	l.n += n
	return first, nil
}

// Code appends the code with the given ID to dst[:0] and returns it. It
// panics if id is out of range.
func (l *Linear) Code(id int, dst []uint64) []uint64 {
	if id < 0 || id >= l.n {
		panic(fmt.Sprintf("hamming: Linear.Code(%d) of %d codes", id, l.n))
	}
	return append(dst[:0], l.codes[id*l.w:(id+1)*l.w]...)
}

// Search returns the min(k, Len()) stored codes nearest to query, by
// ascending Distance, ties by ascending ID, appended to dst[:0]. It costs
// one pass over the codes, O(n·Words(bits)), plus, for codes in random
// order, O(k·log(n/k)) expected updates of the k best. It does not
// allocate when dst has room
// for 2k neighbours, as a dst returned by an earlier Search with the same k
// has. It panics if Check(l.Bits(), query) fails. Safe for concurrent use
// once adding is done.
func (l *Linear) Search(query []uint64, k int, dst []Neighbor) []Neighbor {
	mustCheck("Linear.Search", l.nbits, query)
	k = min(k, l.n)
	if k <= 0 {
		return dst[:0]
	}
	c := newTopK(dst, k, l.nbits)
	scanTopK(l.codes, l.w, l.n, 0, query, &c)
	return c.result()
}

// SearchRadius returns every stored code within distance r of query (r
// included), by ascending Distance, ties by ascending ID, appended to
// dst[:0]. It costs O(n·Words(bits)) plus O(m·log m) to sort the m codes
// found, and allocates only when dst is too short for them. It panics if
// Check(l.Bits(), query) fails. Safe for concurrent use once adding is
// done.
func (l *Linear) SearchRadius(query []uint64, r int, dst []Neighbor) []Neighbor {
	mustCheck("Linear.SearchRadius", l.nbits, query)
	dst = dst[:0]
	if r < 0 {
		return dst
	}
	dst = scanRadius(l.codes, l.w, l.n, 0, query, r, dst)
	// Found in ID order: a stable sort by distance alone would do, but
	// distinct (Distance, ID) keys make any sort stable.
	slices.SortFunc(dst, compareNeighbors)
	return dst
}
