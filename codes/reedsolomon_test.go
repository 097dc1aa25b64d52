package codes

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rsCase is a Reed–Solomon shape: K labels over GF(p) with n sites.
type rsCase struct{ K, p, n int }

func (c rsCase) String() string { return fmt.Sprintf("K=%d/p=%d/n=%d", c.K, c.p, c.n) }

func mustRS(t testing.TB, c rsCase) *ReedSolomon {
	t.Helper()
	m, err := NewReedSolomon(c.K, c.p, c.n)
	require.NoError(t, err, c.String())
	return m
}

func TestReedSolomonEncodeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range []rsCase{{2, 2, 2}, {4, 2, 2}, {25, 5, 5}, {26, 5, 5}, {1000, 11, 7}, {100_000, 317, 9}, {100_000, 47, 40},
		{MaxClasses, 46349, 12}, {MaxClasses, 1291, 10}, {MaxClasses, MaxPrime, 3}, {MaxClasses, 65537, 200}} {
		m := mustRS(t, c)
		k := m.Digits()
		require.True(t, bigPowAtLeast(c.p, k, c.K) && !bigPowAtLeast(c.p, k-1, c.K), "%v: k = %d", c, k)
		var code []int
		for range 200 {
			y := rng.IntN(c.K)
			code, _ = m.Encode(y, code)
			require.Equal(t, refRSEncode(c.p, k, c.n, y), code, "%v label %d", c, y)
			require.Equal(t, y%c.p, code[0], "site 0 holds y mod p")
		}
		assert.Equal(t, c.p, m.Prime())
		assert.Equal(t, c.n, m.Sites())
		assert.Equal(t, c.K, m.Classes())
		pts := m.Points()
		require.Len(t, pts, c.n)
		for i, x := range pts {
			require.Equal(t, i, x)
		}
		pts[0] = 99
		assert.Equal(t, 0, m.Points()[0], "Points returns a copy")
	}
}

func TestReedSolomonMinDistanceExhaustive(t *testing.T) {
	primes := []int{2, 3, 5, 7, 11, 13}
	if testing.Short() {
		primes = primes[:4]
	}
	for _, p := range primes {
		for k := 1; k <= 3; k++ {
			full := 1
			for range k {
				full *= p
			}
			if full > 2200 {
				continue
			}
			lo := full/p + 1 // smallest K with k digits
			for _, K := range []int{lo, (lo + full) / 2, full} {
				if K < 2 {
					continue
				}
				for n := k; n <= p; n++ {
					c := rsCase{K, p, n}
					m := mustRS(t, c)
					require.Equal(t, k, m.Digits(), c.String())
					d := MeasureMinDistance(m)
					require.Equal(t, n-k+1, d, "%v: measured minimum distance", c)
					require.Equal(t, n-k+1, m.MinDistance(), c.String())
				}
			}
		}
	}
}

func TestReedSolomonReconstructAllSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []rsCase{{343, 7, 7}, {300, 7, 6}, {50, 7, 5}, {120, 11, 6}, {13, 13, 5}, {4, 2, 2}} {
		m := mustRS(t, c)
		k := m.Digits()
		table := codeTable(t, m)
		subsets(c.n, func(sites []int) {
			for y, code := range table {
				_, pairs := orders(rng, sites, code)
				for _, order := range pairs {
					got, err := m.Reconstruct(order[0], order[1])
					if len(sites) < k {
						require.ErrorIs(t, err, ErrTooFewSites)
						continue
					}
					require.NoError(t, err, "%v sites %v", c, order[0])
					require.Equal(t, y, got)
				}
			}
			if len(sites) < k {
				return
			}
			// Arbitrary symbols: the scan over all labels decides.
			for range 100 {
				syms := make([]int, len(sites))
				for j := range syms {
					syms[j] = rng.IntN(c.p)
				}
				want := matches(table, sites, syms)
				got, err := m.Reconstruct(sites, syms)
				if len(want) == 0 {
					// No label fits: either the polynomial through the
					// first k sites is not a label, or the others disagree.
					v := refLagrange(c.p, sites[:k], syms[:k])
					if v >= c.K {
						require.ErrorIs(t, err, ErrLabelRange)
					} else {
						require.ErrorIs(t, err, ErrNotCodeword)
					}
					continue
				}
				require.Len(t, want, 1, "k sites determine the label")
				require.NoError(t, err)
				require.Equal(t, want[0], got)
			}
		})
	}
}

func TestReedSolomonReconstructLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, c := range []rsCase{{1_000_000, 1009, 8}, {MaxClasses, 46349, 10}, {MaxClasses, 1291, 12}, {MaxClasses, 47, 40},
		{MaxClasses, 65537, 300}, {MaxClasses, MaxPrime, 5}} {
		m := mustRS(t, c)
		k := m.Digits()
		var code []int
		for range 300 {
			y := randomLabel(rng, c.K)
			code, _ = m.Encode(y, code)
			size := k + rng.IntN(c.n-k+1)
			sites := rng.Perm(c.n)[:size]
			syms := symbolsAt(code, sites)
			got, err := m.Reconstruct(sites, syms)
			require.NoError(t, err)
			require.Equal(t, y, got)
			require.Equal(t, y, refLagrange(c.p, sites[:k], syms[:k]))
			// One wrong symbol: the interpolation through the first k sites
			// moves (the value is checked against the reference), or a
			// further site disagrees.
			j := rng.IntN(size)
			syms[j] = (syms[j] + 1 + rng.IntN(c.p-1)) % c.p
			_, err = m.Reconstruct(sites, syms)
			switch {
			case j >= k:
				require.ErrorIs(t, err, ErrNotCodeword)
			case refLagrange(c.p, sites[:k], syms[:k]) >= c.K:
				require.ErrorIs(t, err, ErrLabelRange)
			case size > k:
				require.ErrorIs(t, err, ErrNotCodeword)
			default:
				require.NoError(t, err)
			}
		}
	}
}

func TestReedSolomonDigitLimit(t *testing.T) {
	// k <= n <= p and p^(k-1) < K <= 2^31 allow at most k = 9 digits, over
	// GF(11) (11^8 < 2^31 < 11^9): every 9-subset of the 11 sites
	// determines the label.
	c := rsCase{MaxClasses, 11, 11}
	m := mustRS(t, c)
	require.Equal(t, 9, m.Digits())
	for _, p := range []int{2, 3, 5, 7} {
		_, err := NewReedSolomon(MaxClasses, p, p)
		require.ErrorIs(t, err, ErrNotInjective, "p = %d", p)
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for range 20 {
		y := rng.IntN(c.K)
		code := mustEncode(t, m, y)
		subsets(c.n, func(sites []int) {
			if len(sites) != 9 {
				return
			}
			syms := symbolsAt(code, sites)
			got, err := m.Reconstruct(sites, syms)
			require.NoError(t, err)
			require.Equal(t, y, got)
			require.Equal(t, y, refLagrange(c.p, sites, syms))
		})
	}
}

func TestReedSolomonReconstructErrors(t *testing.T) {
	m := mustRS(t, rsCase{100, 11, 5})
	_, err := m.Reconstruct([]int{0, 5}, []int{1, 1})
	assert.ErrorIs(t, err, ErrSiteRange)
	_, err = m.Reconstruct([]int{-1, 1}, []int{1, 1})
	assert.ErrorIs(t, err, ErrSiteRange)
	_, err = m.Reconstruct([]int{2, 2}, []int{1, 1})
	assert.ErrorIs(t, err, ErrSiteRange)
	_, err = m.Reconstruct([]int{0, 1}, []int{11, 1})
	assert.ErrorIs(t, err, ErrSymbolRange)
	_, err = m.Reconstruct([]int{0, 1}, []int{0, -1})
	assert.ErrorIs(t, err, ErrSymbolRange)
	_, err = m.Reconstruct([]int{3}, []int{0})
	assert.ErrorIs(t, err, ErrTooFewSites)
	_, err = m.Reconstruct(nil, nil)
	assert.ErrorIs(t, err, ErrTooFewSites)
	// 100 <= y < 121 interpolate to a value that is not a label.
	code := refRSEncode(11, 2, 5, 120)
	_, err = m.Reconstruct([]int{4, 2}, []int{code[4], code[2]})
	assert.ErrorIs(t, err, ErrLabelRange)
	code = mustEncode(t, m, 77)
	_, err = m.Reconstruct([]int{4, 2, 0}, []int{code[4], code[2], (code[0] + 1) % 11})
	assert.ErrorIs(t, err, ErrNotCodeword)
}

func TestReedSolomonNoAlloc(t *testing.T) {
	for _, c := range []rsCase{{1_000_000, 1009, 5}, {1_000_000, 101, 6}, {MaxClasses, 17, 17}, {100_000, 1031, 1030}} {
		m := mustRS(t, c)
		k := m.Digits()
		y := c.K / 3
		code := mustEncode(t, m, y)
		sites := make([]int, k+1)
		syms := make([]int, k+1)
		for j := range sites {
			sites[j] = c.n - 1 - j
			syms[j] = code[sites[j]]
		}
		bad := append([]int(nil), syms...)
		bad[0] = (bad[0] + 1) % c.p
		assert.Zero(t, testing.AllocsPerRun(100, func() {
			if got, err := m.Reconstruct(sites, syms); err != nil || got != y {
				panic(fmt.Sprint("reconstruct ", got, err))
			}
		}), c.String())
		assert.Zero(t, testing.AllocsPerRun(100, func() {
			if _, err := m.Reconstruct(sites, bad); err == nil {
				panic("no error")
			}
		}), "rejecting a candidate allocates: %v", c)
	}
}

func TestReedSolomonRepetition(t *testing.T) {
	// k = 1: every site holds the label.
	m := mustRS(t, rsCase{10, 11, 6})
	require.Equal(t, 1, m.Digits())
	for y := range 10 {
		code := mustEncode(t, m, y)
		for _, s := range code {
			require.Equal(t, y, s)
		}
		got, err := m.Reconstruct([]int{4}, []int{y})
		require.NoError(t, err)
		require.Equal(t, y, got)
	}
	_, err := m.Reconstruct([]int{4}, []int{10})
	assert.ErrorIs(t, err, ErrLabelRange)
	assert.Equal(t, 6, m.MinDistance())
}
