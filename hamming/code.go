package hamming

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors. Functions that return them say so in their doc; they are
// wrapped with fmt.Errorf("...: %w", err), so test them with errors.Is.
var (
	// ErrBits reports a code length that is negative, or too long for the
	// structure asked for (a Table holds at most MaxTableBits bits).
	ErrBits = errors.New("hamming: bad number of bits")
	// ErrCodeLength reports a code (or a packed slice of codes) whose number
	// of words does not match Words(bits).
	ErrCodeLength = errors.New("hamming: code has the wrong number of words")
	// ErrUnusedBits reports a code with a bit set at or above position bits
	// in its last word; those bits must be zero.
	ErrUnusedBits = errors.New("hamming: code has unused high bits set")
	// ErrSubstrings reports a number of multi-index substrings that cannot
	// split the code: more substrings than bits, or substrings longer than
	// 64 bits.
	ErrSubstrings = errors.New("hamming: bad number of substrings")
	// ErrTooMany reports an index that would hold more codes than it can
	// number (MaxLen for MultiIndex and Table).
	ErrTooMany = errors.New("hamming: too many codes")
	// ErrTooLarge reports a size read from saved data that exceeds a
	// documented limit (MaxEmptyCodes, MaxLen, 2^31−1 bits) or whose
	// arithmetic would overflow; the error names the field and the limit.
	// It is the same value in every package of this module, so errors.Is
	// matches it under any package's name.
	ErrTooLarge = limits.ErrTooLarge
)

// MaxLen is the largest number of codes a MultiIndex or a Table holds: their
// hash tables store IDs as uint32. Linear has no such limit.
const MaxLen = 1<<32 - 1

// MaxEmptyCodes is the largest number of codes of 0 bits that
// UnmarshalBinary accepts and MarshalBinary writes. Such codes take no
// bytes in the saved form, so the data's length cannot bound their number
// as it bounds every other count; 2^16 of them keep what a search of the
// loaded index returns to 1 MiB. An index built in memory by Add has no
// such limit.
const MaxEmptyCodes = 1 << 16

// Words returns the number of uint64 words that hold a code of the given
// number of bits: ceil(bits/64). It is 0 for bits == 0 and panics if bits
// is negative.
func Words(bits int) int {
	if bits < 0 {
		panic(fmt.Sprintf("hamming: Words(%d): negative number of bits", bits))
	}
	return (bits + 63) >> 6
}

// lastMask returns the mask of the used bits of the last word of a code of
// the given number of bits (all ones if the last word is full, 0 if there is
// no word).
func lastMask(nbits int) uint64 {
	if nbits == 0 {
		return 0
	}
	r := uint(nbits) & 63
	if r == 0 {
		return ^uint64(0)
	}
	return 1<<r - 1
}

// Distance returns the Hamming distance between a and b: the number of set
// bits of a XOR b. It costs O(len(a)) and panics if len(a) != len(b).
func Distance(a, b []uint64) int {
	if len(a) != len(b) {
		panic(fmt.Sprintf("hamming: Distance of codes of %d and %d words", len(a), len(b)))
	}
	b = b[:len(a)]
	d := 0
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d += bits.OnesCount64(a[i]^b[i]) + bits.OnesCount64(a[i+1]^b[i+1]) +
			bits.OnesCount64(a[i+2]^b[i+2]) + bits.OnesCount64(a[i+3]^b[i+3])
	}
	for ; i < len(a); i++ {
		d += bits.OnesCount64(a[i] ^ b[i])
	}
	return d
}

// Check reports whether code is a valid code of the given number of bits:
// it returns ErrBits if bits is negative, ErrCodeLength if len(code) !=
// Words(bits) and ErrUnusedBits if a bit at or above position bits is set.
// Add panics on exactly the codes Check rejects.
func Check(bits int, code []uint64) error {
	if bits < 0 {
		return fmt.Errorf("%w: %d", ErrBits, bits)
	}
	w := Words(bits)
	if len(code) != w {
		return fmt.Errorf("%w: %d words for %d bits, want %d", ErrCodeLength, len(code), bits, w)
	}
	if w > 0 && code[w-1]&^lastMask(bits) != 0 {
		return fmt.Errorf("%w: last word %#x for %d bits", ErrUnusedBits, code[w-1], bits)
	}
	return nil
}

// checkPacked is Check for a packed slice of codes of w words each; it
// returns the number of codes.
func checkPacked(nbits int, codes []uint64) (int, error) {
	w := Words(nbits)
	if w == 0 {
		if len(codes) != 0 {
			return 0, fmt.Errorf("%w: %d words for codes of 0 bits", ErrCodeLength, len(codes))
		}
		return 0, nil
	}
	if len(codes)%w != 0 {
		return 0, fmt.Errorf("%w: %d words is not a multiple of %d (%d bits)", ErrCodeLength, len(codes), w, nbits)
	}
	if m := ^lastMask(nbits); m != 0 {
		for i := w - 1; i < len(codes); i += w {
			if codes[i]&m != 0 {
				return 0, fmt.Errorf("%w: code %d, last word %#x for %d bits", ErrUnusedBits, i/w, codes[i], nbits)
			}
		}
	}
	return len(codes) / w, nil
}

// mustCheck panics with a clear message wrapping the error of Check.
func mustCheck(what string, nbits int, code []uint64) {
	if err := Check(nbits, code); err != nil {
		panic(fmt.Errorf("hamming: %s: %w", what, err))
	}
}

// Neighbor is a stored code found by a search: its ID (0, 1, 2, ... in
// order of Add) and its Hamming distance to the query.
type Neighbor struct {
	ID, Distance int
}

// compareNeighbors orders by ascending Distance, then ascending ID: the
// order of every result in this package.
func compareNeighbors(a, b Neighbor) int {
	if a.Distance != b.Distance {
		return a.Distance - b.Distance
	}
	return a.ID - b.ID
}

// SortNeighbors sorts s by ascending Distance, ties by ascending ID, in
// place and without allocating: O(len(s)·log len(s)).
func SortNeighbors(s []Neighbor) {
	slices.SortFunc(s, compareNeighbors)
}

// Index is a set of binary codes of Bits() bits, numbered 0, 1, 2, ... in
// order of Add, with exact k-nearest-neighbour search. Linear, MultiIndex
// and Table implement it and return identical results.
type Index interface {
	// Bits returns the length of the codes in bits.
	Bits() int
	// Len returns the number of codes added.
	Len() int
	// Add stores a copy of code and returns its ID: 0, 1, 2, ... in order
	// of Add. It panics if Check(Bits(), code) fails.
	Add(code []uint64) int
	// Search returns the min(k, Len()) stored codes nearest to query, by
	// ascending Distance, ties by ascending ID, appended to dst[:0]. Safe
	// for concurrent use once adding is done.
	Search(query []uint64, k int, dst []Neighbor) []Neighbor
}

// RadiusSearcher finds every stored code within a distance of a query.
// Linear, MultiIndex and Table implement it and return identical results.
type RadiusSearcher interface {
	// SearchRadius returns every stored code within distance r of query
	// (r included), by ascending Distance, ties by ascending ID, appended
	// to dst[:0]; none if r < 0.
	SearchRadius(query []uint64, r int, dst []Neighbor) []Neighbor
}

// Compile-time checks.
var (
	_ Index          = (*Linear)(nil)
	_ Index          = (*MultiIndex)(nil)
	_ Index          = (*Table)(nil)
	_ RadiusSearcher = (*Linear)(nil)
	_ RadiusSearcher = (*MultiIndex)(nil)
	_ RadiusSearcher = (*Table)(nil)
)
