package codes

import (
	"fmt"
	"math"
)

// MeasureMinDistance returns the minimum Hamming distance between the
// codes of two distinct labels of m (the number of sites where they
// differ), by comparing all K(K-1)/2 pairs. It is the slow, exact
// reference for the closed forms of PrimeResidue.MinDistance and
// ReedSolomon.MinDistance, and the way to judge a RandomBinary code. It
// stops early at 1, the least distance of an injective code. Cost:
// O(K²·n) time and O(K·n) memory: keep K to a few thousand.
func MeasureMinDistance(m Mapping) int {
	K, n := m.Classes(), m.Sites()
	codes := make([]int32, K*n)
	var buf []int
	for y := range K {
		buf, _ = m.Encode(y, buf)
		for i, s := range buf {
			codes[y*n+i] = int32(s)
		}
	}
	best := n
	for a := 1; a < K; a++ {
		ca := codes[a*n : (a+1)*n]
		for b := range a {
			cb := codes[b*n : (b+1)*n]
			d := 0
			for i, s := range ca {
				if s != cb[i] {
					d++
				}
			}
			if d < best {
				best = d
				if best <= 1 {
					return best
				}
			}
		}
	}
	return best
}

// denseJointMax bounds the joint-count table of SiteMutualInformation;
// larger alphabet pairs are counted in a map.
const denseJointMax = 1 << 22

// SiteMutualInformation returns the mutual information, in bits, between
// the symbols at sites i and j when the label is uniform on [0, K):
// I = H(S_i) + H(S_j) - H(S_i, S_j), computed exactly from counts over all
// K labels. The LM paper's Theorems 4 and 8 say it is near 0 for prime
// residue and Reed–Solomon codes (see the package doc for the exact bound,
// which is not small for k = 2 unless the primes are close to sqrt(K));
// for i == j it is the entropy of site i.
//
// It returns ErrSiteRange if i or j is outside [0, n). Cost: O(K·n) time
// (every label is encoded) and O(a_i·a_j) memory for alphabet sizes
// a_i·a_j <= 2^22, O(K) otherwise.
func SiteMutualInformation(m Mapping, i, j int) (float64, error) {
	n := m.Sites()
	if i < 0 || i >= n || j < 0 || j >= n {
		return 0, fmt.Errorf("codes: SiteMutualInformation: sites %d, %d of %d: %w", i, j, n, ErrSiteRange)
	}
	K := m.Classes()
	ai, aj := m.SiteClasses(i), m.SiteClasses(j)
	ci, cj := make([]int, ai), make([]int, aj)
	var dense []int32
	var sparse map[uint64]int32
	if ai*aj <= denseJointMax {
		dense = make([]int32, ai*aj)
	} else {
		sparse = make(map[uint64]int32)
	}
	var buf []int
	for y := range K {
		buf, _ = m.Encode(y, buf)
		si, sj := buf[i], buf[j]
		ci[si]++
		cj[sj]++
		if dense != nil {
			dense[si*aj+sj]++
		} else {
			sparse[uint64(si)*uint64(aj)+uint64(sj)]++
		}
	}
	// Σ c log2 c over cells; H = log2 K - (Σ c log2 c)/K.
	clogc := func(c float64) float64 {
		if c == 0 {
			return 0
		}
		return c * math.Log2(c)
	}
	var si, sj, sij float64
	for _, c := range ci {
		si += clogc(float64(c))
	}
	for _, c := range cj {
		sj += clogc(float64(c))
	}
	for _, c := range dense {
		sij += clogc(float64(c))
	}
	for _, c := range sparse {
		sij += clogc(float64(c))
	}
	// I = log2 K - (Σ_i + Σ_j - Σ_ij)/K.
	mi := math.Log2(float64(K)) - (si+sj-sij)/float64(K)
	return max(mi, 0), nil
}
