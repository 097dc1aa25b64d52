package codes

import (
	"errors"
	"fmt"

	"github.com/labelcode/labelcode/internal/limits"
)

// Mapping is a label code: it maps a label y in [0, Classes()) to Sites()
// symbols, symbol i lying in [0, SiteClasses(i)). Every Mapping in this
// package is injective, immutable after construction and safe for
// concurrent use.
type Mapping interface {
	// Classes returns K, the number of labels.
	Classes() int
	// Sites returns n, the number of symbols in a code.
	Sites() int
	// SiteClasses returns the alphabet size of site i. It panics if site
	// is outside [0, Sites()).
	SiteClasses(site int) int
	// Encode writes the Sites() symbols of label into dst (grown when too
	// short) and returns it. With cap(dst) >= Sites() it allocates nothing.
	// It returns ErrLabelRange if label is outside [0, Classes()).
	Encode(label int, dst []int) ([]int, error)
	// Decode returns the label whose code is exactly symbols. It panics if
	// len(symbols) != Sites(); it returns ErrSymbolRange if a symbol lies
	// outside its alphabet and ErrNotCodeword if no label has this code.
	Decode(symbols []int) (int, error)
}

// Compile-time checks that every mapping satisfies Mapping.
var (
	_ Mapping = (*OneHot)(nil)
	_ Mapping = (*Binary)(nil)
	_ Mapping = (*RandomBinary)(nil)
	_ Mapping = (*PrimeResidue)(nil)
	_ Mapping = (*ReedSolomon)(nil)
)

// Limits on the size of a mapping. They keep all arithmetic inside 64-bit
// integers (a label times a prime is below 2^62) and bound the memory a
// decoded model file can ask for.
const (
	// MaxClasses is the largest number of labels K of any mapping, 2^31-1:
	// labels fit in an int32.
	MaxClasses = 1<<31 - 1
	// MaxPrime is the largest prime accepted as a site alphabet (PrimeResidue)
	// or field size (ReedSolomon): 2^31-1, itself a prime.
	MaxPrime = 1<<31 - 1
	// MaxSites is the largest number of sites (or bits) of any mapping.
	MaxSites = 1 << 16
)

// Sentinel errors. Functions wrap them with fmt.Errorf("...: %w", err), so
// test for them with errors.Is.
var (
	// ErrLabelRange: a label is outside [0, K), or a value reconstructed
	// from symbols is not a label (it is >= K). It is the same value as
	// labelcode.ErrLabelRange, decode.ErrLabel and labelmap.ErrLabelRange.
	ErrLabelRange = limits.ErrLabelRange
	// ErrSymbolRange: a symbol is outside the alphabet of its site.
	ErrSymbolRange = errors.New("codes: symbol out of range")
	// ErrSiteRange: a site index is outside [0, n) or repeated.
	ErrSiteRange = errors.New("codes: site index out of range or repeated")
	// ErrTooFewClasses: K < 2.
	ErrTooFewClasses = errors.New("codes: fewer than 2 classes")
	// ErrTooManyClasses: K > MaxClasses, or a mapping's table would be too
	// large to hold in memory.
	ErrTooManyClasses = errors.New("codes: too many classes")
	// ErrNotPrime: a site alphabet or field size that must be prime is not,
	// or is above MaxPrime.
	ErrNotPrime = errors.New("codes: not a prime")
	// ErrRepeatedPrime: the same prime is given for two sites.
	ErrRepeatedPrime = errors.New("codes: repeated prime")
	// ErrNotInjective: the code cannot tell all K labels apart (product of
	// the primes < K, p^sites < K, 2^bits < K).
	ErrNotInjective = errors.New("codes: code is not injective")
	// ErrTooManySites: more sites than a Reed–Solomon field has points
	// (sites > p, also in NewSimplex), more than MaxSites, or not enough
	// primes up to MaxPrime.
	ErrTooManySites = errors.New("codes: too many sites")
	// ErrTooFewSites: the given sites do not determine a label (a subset
	// for Reconstruct, k > sites in ChoosePrimes, sites < 2 in NewMixed and
	// NewSimplex).
	ErrTooFewSites = errors.New("codes: too few sites to determine the label")
	// ErrTooManyErrors: a received word is farther than the decoding radius
	// from the code of every label.
	ErrTooManyErrors = errors.New("codes: too many errors to correct")
	// ErrNotCodeword: the symbols are in range but are not the code of any
	// label.
	ErrNotCodeword = errors.New("codes: not a codeword")
	// ErrUnknownKind: Marshal got a Mapping not from this package, or
	// Unmarshal found an unknown "kind".
	ErrUnknownKind = errors.New("codes: unknown mapping kind")
	// ErrCorrupt: serialized mapping data is malformed or fails validation.
	ErrCorrupt = errors.New("codes: corrupt mapping data")
)

// Errors returned on the hot paths of Reconstruct and Decode are built
// once, so that rejecting a candidate allocates nothing.
var (
	errReconstructRange = fmt.Errorf("codes: Reconstruct: reconstructed value is not below the number of classes: %w", ErrLabelRange)
	errReconstructFew   = fmt.Errorf("codes: Reconstruct: the chosen sites do not determine the label: %w", ErrTooFewSites)
	errReconstructWord  = fmt.Errorf("codes: Reconstruct: symbols at the extra sites disagree with the reconstructed label: %w", ErrNotCodeword)
	errDecodeWord       = fmt.Errorf("codes: Decode: no label has this code: %w", ErrNotCodeword)
	errSymbol           = fmt.Errorf("codes: Reconstruct: symbol outside its site's alphabet: %w", ErrSymbolRange)
	errSite             = fmt.Errorf("codes: Reconstruct: site outside [0, n) or repeated: %w", ErrSiteRange)
)

// checkClasses validates K.
func checkClasses(classes int) error {
	if classes < 2 {
		return fmt.Errorf("%d classes: %w", classes, ErrTooFewClasses)
	}
	if classes > MaxClasses {
		return fmt.Errorf("%d classes, at most %d: %w", classes, MaxClasses, ErrTooManyClasses)
	}
	return nil
}

// labelError reports label outside [0, classes).
func labelError(label, classes int) error {
	return fmt.Errorf("codes: label %d outside [0, %d): %w", label, classes, ErrLabelRange)
}

// grow returns dst resliced to n, allocating only when cap(dst) < n.
func grow(dst []int, n int) []int {
	if cap(dst) < n {
		return make([]int, n)
	}
	return dst[:n]
}

// checkLength panics when a symbol slice does not have one entry per site:
// the caller could have checked it.
func checkLength(method string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("codes: %s: %d symbols for %d sites", method, got, want))
	}
}

// checkSites reports whether every site is in [0, n) and none repeats. It
// allocates nothing for n <= 1024 or len(sites) <= 32.
func checkSites(sites []int, n int) bool {
	for _, s := range sites {
		if s < 0 || s >= n {
			return false
		}
	}
	switch {
	case len(sites) <= 32:
		for i := 1; i < len(sites); i++ {
			for j := 0; j < i; j++ {
				if sites[i] == sites[j] {
					return false
				}
			}
		}
		return true
	case n <= 1024:
		var seen [16]uint64
		return noRepeats(sites, seen[:])
	default:
		return noRepeats(sites, make([]uint64, (n+63)/64))
	}
}

func noRepeats(sites []int, seen []uint64) bool {
	for _, s := range sites {
		w, b := s>>6, uint64(1)<<(s&63)
		if seen[w]&b != 0 {
			return false
		}
		seen[w] |= b
	}
	return true
}
