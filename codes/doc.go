// Package codes maps labels to codes: a label y in [0, K) becomes n
// symbols, one per site, symbol i in [0, SiteClasses(i)). One abstraction,
// Mapping, covers the plain softmax (OneHot: 1 site of K classes), binary
// error-correcting output codes (Binary, RandomBinary: c sites of 2
// classes) and both Label Mappings of the LM paper: the mixed LM
// (PrimeResidue: y mod p_i for distinct primes) and the simplex LM
// (ReedSolomon: a Reed–Solomon code over GF(p) on the base-p digits of y).
// A classifier trains one base learner per site on the small alphabet of
// that site; package decode turns their scores back into a label.
//
// NewMixed(K, n) and NewSimplex(K, n) build the paper's two Label Mappings
// of n sites in one call (primes, or the field, just above √K, so that any
// two sites determine the label). Both put y mod p at a site: the simplex
// code's site 0 (evaluation point 0) is y mod p, the same function as the
// mixed code's site of that prime, so a comparison that trains both trains
// that site twice.
//
// # Conventions
//
//   - Labels are ints in [0, K), 2 <= K <= MaxClasses (2^31-1). Symbols are
//     ints; a site's alphabet is [0, SiteClasses(site)).
//   - Binary: ceil(log2 K) bits, bit i = (y >> i) & 1, least significant
//     bit at site 0.
//   - RandomBinary: each label's row is random, rows distinct; packed rows
//     (Packed) hold bit i in word i/64 at position i%64.
//   - PrimeResidue: site i holds y mod p_i, sites in the order of the primes
//     given. ChoosePrimes(K, n, k) picks n primes >= ceil(K^(1/k)) so that
//     any k sites determine the label.
//   - ReedSolomon: k = ceil(log_p K) digits, y = Σ_{j<k} d_j p^j with
//     d_0 least significant; the polynomial f(x) = Σ_{j<k} d_j x^j over
//     GF(p); site i holds f(i) mod p, i.e. the evaluation points are 0, 1,
//     ..., n-1 (so n <= p, and site 0 holds y mod p).
//   - Hot paths take a dst slice and return it: Encode(label, dst) writes
//     n symbols into dst, growing it only when cap(dst) < n, so a caller that
//     reuses dst allocates nothing. Reconstruct never allocates for codes of
//     up to 1024 sites, and its routine errors (ErrLabelRange,
//     ErrTooFewSites, ErrNotCodeword) are preallocated values, still
//     matched by errors.Is.
//   - Mistakes the caller can check before calling panic with a clear
//     message: a symbol slice whose length is not n, sites and symbols of
//     different lengths, SiteClasses of a site out of range. Anything that
//     depends on data returns an error wrapping an exported sentinel
//     (ErrLabelRange, ErrSymbolRange, ...); test with errors.Is.
//   - Mappings are immutable after construction and safe for concurrent
//     use. Marshal and Unmarshal write and read a JSON envelope tagged by
//     "kind"; Unmarshal validates as the constructors do.
//
// # Linear codes
//
// OneHot, Binary, PrimeResidue and ReedSolomon also implement Linear, the
// structure a decoder needs to search labels without calling Encode or
// Reconstruct per candidate: Generator gives each site's symbol as a
// linear combination, modulo the site's alphabet size, of the label's
// digits in a base (K, 2 or p); Determines tells whether a set of sites
// fixes the label; Reconstruction precomputes, for such a set, the
// coefficients that turn its symbols back into the label's digits (CRT
// coefficients modulo the product of the primes used, Lagrange basis
// coefficients modulo p, one bit per digit for Binary). A mapping from
// another package that implements Linear is decoded by package decode as
// fast as these. RandomBinary does not implement it.
//
// # Costs
//
// With n sites, k the number of sites that determine a label and s the
// number of sites given:
//
//	OneHot, Binary      Encode O(n)         Decode O(n)
//	RandomBinary        Encode O(n)         Decode O(n) expected (hash index)
//	PrimeResidue        Encode n remainders Decode, Reconstruct O(s·k) (Garner's CRT, precomputed inverses)
//	ReedSolomon         Encode O(n·k)       Decode O(n·k), Reconstruct O(k² + s·k) (Lagrange, no inversions)
//	ReedSolomon.Correct O(n²), allocates O(n)
//	Reconstruction      O(s) inversions (PrimeResidue), O(k²) (ReedSolomon), O(n²) (Binary); no allocation once warm
//	MeasureMinDistance  O(K²·n)             SiteMutualInformation O(K·n)
//
// # Guarantees
//
// Every mapping is injective, so Decode(Encode(y)) == y. Two labels agree
// on a set S of PrimeResidue sites only if Π_{i∈S} p_i < K (LM paper,
// Theorem 3); two ReedSolomon codes agree on at most k-1 sites, so the
// minimum distance is n-k+1, the Singleton bound (Theorems 6, 7), and
// Correct fixes up to floor((n-e-k)/2) wrong symbols with e erasures.
//
// The mutual information between two sites under uniform labels
// (SiteMutualInformation) is at most log2(c·ceil(K/c)/K) bits, with
// c = p_i·p_j for PrimeResidue and c = p² for ReedSolomon with k >= 2, and
// exactly 0 when c divides K. It is near 0 when c is far below K (k >= 3:
// about 10^-4 bits at K = 100,000). With k = 2 the product c exceeds K and
// two sites share up to log2(c/K) bits (0.23 bits for primes 337 and 347 at
// K = 100,000): the LM paper's Theorems 4 and 8 hold as the primes
// approach K^(1/k).
package codes
