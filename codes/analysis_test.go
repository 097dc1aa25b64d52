package codes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refMutualInformation computes I(S_i; S_j) from probabilities, as
// Σ P(a,b) log2(P(a,b) / (P(a) P(b))), with maps: a second formula for the
// same quantity.
func refMutualInformation(t *testing.T, m Mapping, i, j int) float64 {
	t.Helper()
	K := float64(m.Classes())
	pi, pj := map[int]float64{}, map[int]float64{}
	pij := map[[2]int]float64{}
	for y := range m.Classes() {
		c := mustEncode(t, m, y)
		pi[c[i]] += 1 / K
		pj[c[j]] += 1 / K
		pij[[2]int{c[i], c[j]}] += 1 / K
	}
	mi := 0.0
	for ab, p := range pij {
		mi += p * math.Log2(p/(pi[ab[0]]*pj[ab[1]]))
	}
	return mi
}

// miBound is the bound of the package doc: the joint counts are at most
// ceil(K/cells) over cells = a_i·a_j pairs, so
// I <= log2(a_i) + log2(a_j) - log2(K/ceil(K/cells)).
func miBound(K, cells int) float64 {
	return math.Log2(float64(cells) * math.Ceil(float64(K)/float64(cells)) / float64(K))
}

func TestSiteMutualInformationPrimeResidue(t *testing.T) {
	sizes := []int{1000, 20000, 100_000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, K := range sizes {
		for _, k := range []int{2, 3, 4} {
			primes, err := ChoosePrimes(K, 4, k)
			require.NoError(t, err)
			pr, err := NewPrimeResidue(K, primes)
			require.NoError(t, err)
			worst := 0.0
			for i := range primes {
				for j := i + 1; j < len(primes); j++ {
					mi, err := SiteMutualInformation(pr, i, j)
					require.NoError(t, err)
					require.LessOrEqual(t, mi, miBound(K, primes[i]*primes[j])+1e-9, "K=%d primes %d, %d", K, primes[i], primes[j])
					worst = max(worst, mi)
				}
			}
			// Theorem 4: near 0 against the ~log2(p) bits of each site.
			// With k = 2 the product of two primes exceeds K and the pair
			// carries log2(p_i·p_j/K) bits exactly (all pairs distinct):
			// small only when the primes lie close to sqrt(K), the
			// paper's (1+ε)K^(1/k).
			h, _ := SiteMutualInformation(pr, 0, 0)
			t.Logf("K=%d k=%d primes %v: max I = %.2g bits, H(site 0) = %.2f bits", K, k, primes, worst, h)
			if k == 2 {
				require.Less(t, worst, 0.25*h)
			} else {
				require.Less(t, worst, 0.02)
			}
		}
	}
	// Exactly 0 when p_i·p_j divides K: the pair of residues is uniform.
	pr := mustPR(t, 7*11*13, []int{7, 11, 13})
	for _, ij := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
		mi, err := SiteMutualInformation(pr, ij[0], ij[1])
		require.NoError(t, err)
		assert.InDelta(t, 0, mi, 1e-12)
	}
	// Cross-check with the probability formula on a case far from 0.
	pr, _ = NewPrimeResidue(1000, []int{31, 37})
	mi, _ := SiteMutualInformation(pr, 0, 1)
	assert.InDelta(t, refMutualInformation(t, pr, 0, 1), mi, 1e-9)
	assert.Greater(t, mi, 0.01)
}

func TestSiteMutualInformationReedSolomon(t *testing.T) {
	for _, c := range []rsCase{{100_000, 317, 6}, {100_000, 47, 6}, {20000, 29, 6}, {343, 7, 7}, {300, 7, 7}} {
		m := mustRS(t, c)
		worst := 0.0
		for i := range c.n {
			for j := i + 1; j < c.n; j++ {
				mi, err := SiteMutualInformation(m, i, j)
				require.NoError(t, err)
				require.LessOrEqual(t, mi, miBound(c.K, c.p*c.p)+1e-9, "%v sites %d, %d", c, i, j)
				worst = max(worst, mi)
			}
		}
		t.Logf("%v: max I = %.2g bits", c, worst)
		// K = p^k: the pairs are exactly uniform (Theorem 8 in the limit).
		if c.K == 343 {
			require.InDelta(t, 0, worst, 1e-12)
		}
		require.Less(t, worst, 0.05)
	}
	// k = 1: the sites are copies, I = H = log2 K.
	m := mustRS(t, rsCase{10, 11, 3})
	mi, err := SiteMutualInformation(m, 0, 2)
	require.NoError(t, err)
	assert.InDelta(t, math.Log2(10), mi, 1e-12)
}

func TestSiteMutualInformationOthers(t *testing.T) {
	oh, _ := NewOneHot(3000)
	h, err := SiteMutualInformation(oh, 0, 0)
	require.NoError(t, err)
	assert.InDelta(t, math.Log2(3000), h, 1e-9)
	// Binary with K a power of 2: independent fair bits.
	b, _ := NewBinary(1024)
	for i := range 10 {
		for j := range 10 {
			mi, err := SiteMutualInformation(b, i, j)
			require.NoError(t, err)
			if i == j {
				assert.InDelta(t, 1, mi, 1e-12)
			} else {
				assert.InDelta(t, 0, mi, 1e-12)
			}
		}
	}
	// K = 6 in 3 bits: bits 1 and 2 are dependent (no 11x pattern).
	b, _ = NewBinary(6)
	mi, _ := SiteMutualInformation(b, 1, 2)
	assert.InDelta(t, refMutualInformation(t, b, 1, 2), mi, 1e-12)
	assert.Greater(t, mi, 0.1)
	// Alphabets too large for a dense table: two primes above K, each site
	// a copy of the label.
	pr, _ := NewPrimeResidue(3000, []int{3001, 3011})
	mi, err = SiteMutualInformation(pr, 0, 1)
	require.NoError(t, err)
	assert.InDelta(t, math.Log2(3000), mi, 1e-9)
	// Random binary: a cross-check with the reference.
	rb, _ := NewRandomBinary(2000, 16, 4)
	mi, _ = SiteMutualInformation(rb, 3, 9)
	assert.InDelta(t, refMutualInformation(t, rb, 3, 9), mi, 1e-9)

	for _, ij := range [][2]int{{-1, 0}, {0, 2}, {2, 0}} {
		_, err := SiteMutualInformation(pr, ij[0], ij[1])
		assert.ErrorIs(t, err, ErrSiteRange)
	}
}

func TestMeasureMinDistance(t *testing.T) {
	oh, _ := NewOneHot(50)
	assert.Equal(t, 1, MeasureMinDistance(oh))
	b, _ := NewBinary(50)
	assert.Equal(t, 1, MeasureMinDistance(b))
	// Repetition code: all n sites differ.
	rs := mustRS(t, rsCase{13, 13, 9})
	assert.Equal(t, 9, MeasureMinDistance(rs))
	// A hand-made case: K = 6 with primes 2, 3, 5; 0 and 6 would agree on
	// 2 and 3 but 6 is not a label; 0 and 2 agree on site 0 only, etc.
	pr := mustPR(t, 6, []int{2, 3, 5})
	assert.Equal(t, 2, MeasureMinDistance(pr))
	assert.Equal(t, 2, pr.MinDistance())
}
