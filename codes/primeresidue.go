package codes

import (
	"fmt"
	"slices"

	"github.com/labelcode/labelcode/internal/modarith"
)

// pairTableSites is the largest number of sites for which PrimeResidue
// keeps a table of the inverses of p_i modulo p_j (4·n² bytes); larger codes
// invert with the extended Euclidean algorithm.
const pairTableSites = 256

// PrimeResidue is the mixed Label Mapping of the LM paper (§IV-A): site i
// holds y mod p_i for distinct primes p_1, ..., p_n whose product is at
// least K. By the Chinese remainder theorem a set of sites whose primes
// multiply to at least K determines the label, so two labels can agree only
// on a set of sites whose primes multiply to less than K (Theorem 3). Sites
// keep the order of the primes given.
type PrimeResidue struct {
	classes int
	primes  []uint64
	mods    []modarith.Barrett // Barrett reduction by each prime
	// invPair[i*n+j] = p_i^-1 mod p_j (0 on the diagonal), when n <= pairTableSites.
	invPair []uint32
	minDist int
}

// NewPrimeResidue returns the code y -> (y mod p_1, ..., y mod p_n) of
// K = classes labels. The primes are copied.
//
// It returns ErrTooFewClasses or ErrTooManyClasses for K outside
// [2, MaxClasses], ErrNotPrime if an entry is not a prime <= MaxPrime,
// ErrRepeatedPrime if a prime appears twice, ErrNotInjective if the product
// of the primes is less than K (including no primes at all) and
// ErrTooManySites if there are more than MaxSites primes. Cost: O(n²)
// inverses for n <= 256 sites, O(n log n) otherwise.
func NewPrimeResidue(classes int, primes []int) (*PrimeResidue, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewPrimeResidue: %w", err)
	}
	n := len(primes)
	if n > MaxSites {
		return nil, fmt.Errorf("codes: NewPrimeResidue: %d primes, at most %d: %w", n, MaxSites, ErrTooManySites)
	}
	for i, p := range primes {
		if !IsPrime(p) {
			return nil, fmt.Errorf("codes: NewPrimeResidue: site %d: %d is not a prime <= %d: %w", i, p, MaxPrime, ErrNotPrime)
		}
	}
	sorted := slices.Clone(primes)
	slices.Sort(sorted)
	for i := 1; i < n; i++ {
		if sorted[i] == sorted[i-1] {
			return nil, fmt.Errorf("codes: NewPrimeResidue: prime %d given twice: %w", sorted[i], ErrRepeatedPrime)
		}
	}
	// The product saturates at K: only whether it reaches K matters.
	prod := 1
	for _, p := range primes {
		prod = min(prod*p, classes)
	}
	if prod < classes {
		return nil, fmt.Errorf("codes: NewPrimeResidue: product of primes %v is less than %d classes: %w", primes, classes, ErrNotInjective)
	}
	m := &PrimeResidue{classes: classes, primes: make([]uint64, n), mods: make([]modarith.Barrett, n)}
	for i, p := range primes {
		m.primes[i] = uint64(p)
		m.mods[i] = modarith.New(uint64(p))
	}
	if n <= pairTableSites {
		m.invPair = make([]uint32, n*n)
		for i, pi := range m.primes {
			for j, pj := range m.primes {
				if i != j {
					m.invPair[i*n+j] = uint32(invMod(pi%pj, pj))
				}
			}
		}
	}
	// Two labels agree on a set S of sites iff Π_S p divides their
	// difference, which is in (0, K): the largest such S is the run of the
	// smallest primes whose product stays below K.
	agree, prod := 0, 1
	for _, p := range sorted {
		if prod*p >= classes {
			break
		}
		prod *= p
		agree++
	}
	m.minDist = n - agree
	return m, nil
}

// Classes returns K.
func (m *PrimeResidue) Classes() int { return m.classes }

// Sites returns the number of primes n.
func (m *PrimeResidue) Sites() int { return len(m.primes) }

// SiteClasses returns p_i, the prime of site i; it panics if site is
// outside [0, n).
func (m *PrimeResidue) SiteClasses(site int) int {
	if site < 0 || site >= len(m.primes) {
		panic(fmt.Sprintf("codes: PrimeResidue.SiteClasses: site %d of %d", site, len(m.primes)))
	}
	return int(m.primes[site])
}

// Primes returns a copy of the primes, one per site, in site order.
func (m *PrimeResidue) Primes() []int {
	out := make([]int, len(m.primes))
	for i, p := range m.primes {
		out[i] = int(p)
	}
	return out
}

// MinDistance returns the exact minimum Hamming distance of the code: n
// minus the largest number of sites whose primes multiply to less than K.
// Labels 0 and the product of those smallest primes attain it. For primes
// from ChoosePrimes(K, n, k) it is at least n-k+1.
func (m *PrimeResidue) MinDistance() int { return m.minDist }

// Encode writes y mod p_i into dst[i] for every site (dst grown when too
// short) and returns dst; it allocates nothing when cap(dst) >= n. It
// returns ErrLabelRange if label is outside [0, K). Cost: n remainders.
func (m *PrimeResidue) Encode(label int, dst []int) ([]int, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	dst = grow(dst, len(m.primes))
	y := uint64(label)
	for i, d := range m.mods {
		dst[i] = int(d.Mod(y))
	}
	return dst, nil
}

// Decode returns the label whose residues are symbols, by the Chinese
// remainder theorem. It panics if len(symbols) != n, returns ErrSymbolRange
// if symbols[i] is outside [0, p_i) and ErrNotCodeword if the residues
// belong to no label below K. It allocates nothing when it succeeds.
// Cost: O(s²) modular multiplications for the s smallest-index sites
// needed to reach K, plus one remainder per other site.
func (m *PrimeResidue) Decode(symbols []int) (int, error) {
	checkLength("PrimeResidue.Decode", len(symbols), len(m.primes))
	for i, s := range symbols {
		if s < 0 || uint64(s) >= m.primes[i] {
			return 0, fmt.Errorf("codes: PrimeResidue.Decode: symbol %d at site %d outside [0, %d): %w", s, i, m.primes[i], ErrSymbolRange)
		}
	}
	y, ok := m.crt(nil, symbols)
	if !ok {
		return 0, errDecodeWord
	}
	return y, nil
}

// Reconstruct returns the label whose residues at the given sites are
// symbols (symbols[j] belongs to site sites[j]), by the Chinese remainder
// theorem (Garner's mixed-radix form) on sites in the order given. Once the
// primes used multiply to K or more, each further site is a check.
//
// It panics if len(sites) != len(symbols). It returns ErrSiteRange if a site
// is outside [0, n) or repeated, ErrSymbolRange if a symbol is outside its
// site's alphabet, ErrTooFewSites if the primes of the sites multiply to
// less than K (the sites do not determine a label; it is returned even when
// these residues happen to fit a single label), and ErrLabelRange if no label below K
// has these residues (the CRT solution modulo the product of the primes is
// >= K). It allocates nothing, errors included, for codes of up to 1024
// sites or subsets of up to 32 sites. Cost: O(s·t) modular multiplications
// where t (at most 31) is the number of sites needed to reach K, using a
// precomputed table of inverses for codes of up to 256 sites.
func (m *PrimeResidue) Reconstruct(sites, symbols []int) (int, error) {
	if len(sites) != len(symbols) {
		panic(fmt.Sprintf("codes: PrimeResidue.Reconstruct: %d sites, %d symbols", len(sites), len(symbols)))
	}
	if !checkSites(sites, len(m.primes)) {
		return 0, errSite
	}
	for j, s := range symbols {
		if s < 0 || uint64(s) >= m.primes[sites[j]] {
			return 0, errSymbol
		}
	}
	prod := uint64(1)
	for _, i := range sites {
		prod *= m.primes[i]
		if prod >= uint64(m.classes) {
			break
		}
	}
	if prod < uint64(m.classes) {
		return 0, errReconstructFew
	}
	y, ok := m.crt(sites, symbols)
	if !ok {
		return 0, errReconstructRange
	}
	return y, nil
}

// crt solves x ≡ symbols[j] (mod p_{sites[j]}) for x < K, with sites == nil
// meaning all sites in order. The caller has checked ranges and that the
// primes reach K. ok is false when the solution is >= K.
func (m *PrimeResidue) crt(sites, symbols []int) (int, bool) {
	n := len(m.primes)
	K := uint64(m.classes)
	// x < M always; while M < K the primes used are in used[:t].
	var used [32]int
	t := 0
	x, M := uint64(0), uint64(1)
	for j, s := range symbols {
		i := j
		if sites != nil {
			i = sites[j]
		}
		d, r := m.mods[i], uint64(s)
		p := d.P
		if M >= K {
			if d.Mod(x) != r {
				return 0, false
			}
			continue
		}
		// Find u in [0, p) with x + u·M ≡ r (mod p): u = (r - x)·M^-1.
		var inv uint64
		if m.invPair != nil {
			inv = 1
			for _, q := range used[:t] {
				inv = d.Mod(inv * uint64(m.invPair[q*n+i]))
			}
		} else {
			inv = invMod(d.Mod(M), p)
		}
		u := d.Mod(d.Mod(r+p-d.Mod(x)) * inv)
		// x + u·M < M·p <= K·MaxPrime < 2^62.
		x += u * M
		M *= p
		used[t] = i
		t++
	}
	if x >= K {
		return 0, false
	}
	return int(x), true
}
