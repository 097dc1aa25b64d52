// Package decode turns what base learners output — per-site scores or a
// binary code — into a label, exactly and fast.
//
// # Max-product decoding of label mappings
//
// A codes.Mapping sends label y to symbols f_1(y), ..., f_n(y); base
// learner i outputs log-probabilities logp[i] over its site's alphabet. The
// decoded label maximises
//
//	score(y) = Σ_i logp[i][f_i(y)]
//
// (LM paper, §IV-C). Conventions, shared by Exhaustive and MaxProduct:
//
//   - logp has one vector per site, logp[i] of length m.SiteClasses(i). A
//     nil vector is a missing site (a base learner that is down) and is
//     left out of the sum. Scores may be any finite numbers or −Inf (a
//     log-probability of 0); NaN and +Inf are errors (ErrScore), as are a
//     wrong number of vectors (ErrSiteCount), a vector of the wrong length
//     (ErrVectorLength) and all sites missing (ErrNoSites).
//   - The score is summed in ascending site order starting from 0, and
//     returned as is: MaxProduct returns Exhaustive's answer bit for bit.
//   - Ties go to the smallest label; TopK lists by descending score, then
//     ascending label.
//
// Exhaustive scores every label: O(K·n). For a codes.Linear mapping it
// updates symbols incrementally from the generator's digits and adds each
// site's scores to a block of labels at a time, so it runs at
// about 0.7 ns per label and site; it is the reference, and the fallback.
//
// MaxProduct gets the same answer without looking at most labels. It uses
// the structure a mapping exports through codes.Linear (OneHot, Binary,
// PrimeResidue and ReedSolomon implement it, and so may a mapping from any
// other package): a label is fixed by its symbols on any key set of sites
// (Determines: any k sites of a Reed–Solomon code, any sites whose primes
// multiply to K or more for a prime-residue code, all bits of Binary), and
// is a linear function of them with coefficients precomputed per key set
// (codes.Reconstruction: CRT, Lagrange). Symbols of a candidate label come
// from the mapping's codes.Generator, without calling Encode. It reads each
// site's symbols in descending score and, whenever a symbol completes a key
// set with symbols already read, reconstructs that label and scores it over
// all present sites. A label not met yet has an
// unread symbol on every site of some minimal transversal T of the key sets
// (a set meeting all of them: any n−k+1 sites for Reed–Solomon), so with M_i
// the best score of site i and u_i that of its first unread symbol,
//
//	score(y) <= ΣM − min_T Σ_{i∈T} (M_i − u_i),
//
// and the search stops once this bound, less a rounding margin, is below
// the k-th best score found. This is Fagin's threshold algorithm over
// labels, with key sets in place of random access. Reads go to the site of
// the minimising T whose bound term is smallest. Sorted access costs one
// pass over a site to find its 8 best symbols (done while validating the
// input), then passes that each collect a band of scores into a heap.
//
// Cost: O(Σ q_i) to read the input, plus per label met O(n) (k² for the
// reconstruction). On peaked inputs (trained learners: the true symbol
// holds most of the mass) a few labels are met and the search ends at
// once: at K = 10^6 with 2 to 4 sites it is hundreds of times faster than
// Exhaustive, even when one learner in ten is confidently wrong (the bound
// sums the gaps of n−k+1 sites, so the other sites' gaps cover a wrong
// site's drop). On flat inputs it meets more labels (hundreds to thousands
// at K = 10^6) and the advantage shrinks to tens of times.
//
// The search falls back to the exhaustive scan, with the same result:
//
//   - when the mapping does not implement codes.Linear (codes.RandomBinary,
//     most mappings from other packages; MaxProduct.Structured reports
//     it), or its Generator or a Reconstruction is out of the documented
//     ranges;
//   - when the present sites fix no label (too many missing sites);
//   - when some |score| >= 2^1000 (rounding bounds assume no overflow);
//   - when it has met about K·n/32 labels (ties everywhere, e.g. all scores
//     equal), so that it never costs much more than the scan.
//
// For codes of more than 16 sites, more than 256 minimal key sets or
// transversals, or a single key set of several sites (codes.Binary, a
// prime-residue code whose primes multiply to less than K without any one
// of them), the sites
// are instead partitioned into key sets (plus leftovers); each part
// enumerates its symbol combinations best first with a heap, and a label
// not met scores at most Σ_P (M_P − D_P) + Σ_leftover M_i, D_P being the drop
// of part P's next combination. For Binary this is the classic search over
// bit flips. codes.OneHot is a single site: reading it in order is a top-k.
//
// Both Decode and TopK are safe for concurrent use and allocate nothing once
// warm (per-call scratch comes from a sync.Pool).
//
// # Decoders for binary codes (DSNC)
//
// Codes are packed as in package hamming: bit i of a code is bit i%64 of
// word i/64, unused high bits of the last word are zero. A code of the wrong
// length or with unused bits set is an error (ErrCode).
//
//   - Linear: class scores W·b + bias, the DSNC linear decoder. Scores are
//     bias plus the weight rows of the set bits (gonum floats.Add):
//     O(K·popcount(b)), several times faster than a dense gemv for sparse
//     codes and faster still at K = 10^5. Top-k: O(K·log k).
//   - HammingNN: the label of the nearest stored training code through a
//     hamming.Index (Linear, MultiIndex, Table), or a vote among the k
//     nearest: most votes, then smallest distance sum, then nearest code.
//     Cost: the index's k-NN search plus O(k·m).
//   - Table: a label for every one of the 2^c codes (c <= 24), built from
//     a hamming.Table (1-NN, O(2^c)) or from a Linear decoder (O(2^c·K) on
//     all cores, bit-exact); a decode is one memory read.
//   - ECOC: binary error-correcting output codes (codes.Binary,
//     codes.RandomBinary): Hamming decoding of hard bits (a hamming.Linear
//     scan, O(K·c/64)), and loss-based decoding of bit probabilities with
//     exponential, logistic, hinge or linear (L1) loss (Allwein, Schapire,
//     Singer): an exact O(K·c) scan, or for codes.Binary the max-product
//     search. Scores are negated distances and losses.
//
// Every decoder is safe for concurrent use and allocates nothing with a
// reused dst (HammingNN: as long as nothing is added to its index).
//
// Constructors and Exhaustive return an error (ErrParam or ErrShape, as
// each documents) for a nil mapping, index, weights or decoder, including
// a typed nil pointer in an interface, and never panic on one; the
// methods of a nil *MaxProduct, *ECOC, *Linear, *HammingNN or *Table,
// which no constructor returns without an error, panic. Decoders whose
// tables grow with the mapping bound them before allocating: ECOC by
// MaxECOCWords, Table by MaxTableBits, with an error wrapping ErrTooLarge
// or ErrParam. This package reads no files.
package decode
