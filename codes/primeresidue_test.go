package codes

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsPrime(t *testing.T) {
	limit := 1 << 20
	if testing.Short() {
		limit = 1 << 16
	}
	// A sieve is the reference below limit.
	composite := make([]bool, limit)
	for i := 2; i*i < limit; i++ {
		if !composite[i] {
			for j := i * i; j < limit; j += i {
				composite[j] = true
			}
		}
	}
	for n := -3; n < limit; n++ {
		want := n >= 2 && !composite[n]
		if IsPrime(n) != want {
			t.Fatalf("IsPrime(%d) = %v", n, !want)
		}
	}
	// Strong pseudoprimes and Carmichael numbers that fool weaker tests.
	for _, n := range []int{2047, 1373653, 25326001, 3215031751 % (1 << 31), 561, 1105, 1729, 2465, 41041, 825265, 321197185,
		4294967291 % (1 << 31), 1<<31 - 1, 1<<31 - 19, 2147483629, 2147483587, 46337 * 46349, 65521 * 32749} {
		if n > MaxPrime {
			continue
		}
		assert.Equal(t, trialPrime(n), IsPrime(n), "n = %d", n)
	}
	assert.True(t, IsPrime(MaxPrime))
	assert.False(t, IsPrime(MaxPrime+2), "above MaxPrime")
	// Random large numbers against trial division.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		n := 1<<30 + rng.IntN(1<<30)
		require.Equal(t, trialPrime(n), IsPrime(n), "n = %d", n)
	}
}

func TestChoosePrimes(t *testing.T) {
	for _, K := range []int{2, 3, 4, 100, 1000, 65536, 100_000, 1_000_000, MaxClasses} {
		for _, k := range []int{1, 2, 3, 4} {
			for _, sites := range []int{k, k + 1, k + 4} {
				if k == 1 && K > 1<<30 && sites > 1 {
					continue // not enough primes between K and MaxPrime
				}
				primes, err := ChoosePrimes(K, sites, k)
				require.NoError(t, err, "K=%d sites=%d k=%d", K, sites, k)
				require.Len(t, primes, sites)
				// m is the least integer with m^k >= K, found by counting up.
				m := K
				if k > 1 {
					m = 1
					for !bigPowAtLeast(m, k, K) {
						m++
					}
				}
				// The primes are the first `sites` primes >= m.
				q := m
				for _, p := range primes {
					for !trialPrime(q) {
						q++
					}
					require.Equal(t, q, p, "K=%d k=%d: primes %v", K, k, primes)
					q++
				}
				// Any k of them multiply to at least K: the k smallest do.
				prod := big.NewInt(1)
				for _, p := range primes[:k] {
					prod.Mul(prod, big.NewInt(int64(p)))
				}
				require.True(t, prod.Cmp(big.NewInt(int64(K))) >= 0)
				pr, err := NewPrimeResidue(K, primes)
				require.NoError(t, err)
				require.GreaterOrEqual(t, pr.MinDistance(), sites-k+1)
			}
		}
	}
	for _, k := range []int{1, 2, 3} {
		p, err := ChooseField(100_000, k)
		require.NoError(t, err)
		assert.True(t, trialPrime(p))
		assert.True(t, bigPowAtLeast(p, k, 100_000))
		q := p - 1
		for q > 2 && !trialPrime(q) {
			q--
		}
		assert.False(t, bigPowAtLeast(q, k, 100_000), "a smaller prime %d would do", q)
	}
	_, err := ChooseField(100, 0)
	assert.ErrorIs(t, err, ErrTooFewSites)
	p, err := ChooseField(MaxClasses, 1)
	require.NoError(t, err)
	assert.Equal(t, MaxPrime, p)
}

// bigPowAtLeast reports b^k >= n in big integers.
func bigPowAtLeast(b, k, n int) bool {
	v := new(big.Int).Exp(big.NewInt(int64(b)), big.NewInt(int64(k)), nil)
	return v.Cmp(big.NewInt(int64(n))) >= 0
}

// agreements counts the sites where two codes agree.
func agreements(a, b []int) int {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return n
}

func TestPrimeResidueAgreementExhaustive(t *testing.T) {
	type tc struct {
		K      int
		primes []int
		k      int // the bound: agreement <= k-1; 0 = take it from ChoosePrimes
	}
	var cases []tc
	sizes := []int{2, 30, 211, 1000, 2500, 5000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, K := range sizes {
		for _, k := range []int{1, 2, 3} {
			primes, err := ChoosePrimes(K, k+3, k)
			require.NoError(t, err)
			cases = append(cases, tc{K, primes, k})
		}
	}
	// Primes not from ChoosePrimes: the agreement bound is then the largest
	// set whose product is below K.
	cases = append(cases, tc{K: 210, primes: []int{7, 2, 5, 3, 11}}, tc{K: 1000, primes: []int{2, 3, 5, 7, 11, 13}})
	for _, c := range cases {
		pr, err := NewPrimeResidue(c.K, c.primes)
		require.NoError(t, err)
		table := codeTable(t, pr)
		most := 0
		for a := range c.K {
			for b := range a {
				// Theorem 3: agreement on S means Π_S p divides a-b.
				ag := agreements(table[a], table[b])
				prod := 1
				for i := range table[a] {
					if table[a][i] == table[b][i] {
						prod *= c.primes[i]
					}
				}
				if (a-b)%prod != 0 {
					t.Fatalf("labels %d, %d agree on sites with prime product %d", a, b, prod)
				}
				most = max(most, ag)
			}
		}
		if c.k > 0 {
			require.LessOrEqual(t, most, c.k-1, "K=%d primes=%v", c.K, c.primes)
		}
		n := len(c.primes)
		require.Equal(t, n-most, MeasureMinDistance(pr), "K=%d primes=%v", c.K, c.primes)
		require.Equal(t, n-most, pr.MinDistance(), "K=%d primes=%v", c.K, c.primes)
	}
}

func TestPrimeResidueAgreementRandomPairs(t *testing.T) {
	pairs := 1_000_000
	if testing.Short() {
		pairs = 20_000
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, K := range []int{100_000, 10_000_000, MaxClasses} {
		for _, k := range []int{2, 3} {
			primes, err := ChoosePrimes(K, k+3, k)
			require.NoError(t, err)
			pr, err := NewPrimeResidue(K, primes)
			require.NoError(t, err)
			var ca, cb []int
			for range pairs {
				a, b := rng.IntN(K), rng.IntN(K)
				if a == b {
					continue
				}
				ca, _ = pr.Encode(a, ca)
				cb, _ = pr.Encode(b, cb)
				if agreements(ca, cb) >= k {
					t.Fatalf("K=%d: labels %d, %d agree on %d sites", K, a, b, agreements(ca, cb))
				}
			}
			// The bound is tight: y and y + Π of k-1 primes agree on those
			// k-1 sites exactly.
			step := 1
			for _, p := range primes[:k-1] {
				step *= p
			}
			for range 1000 {
				a := rng.IntN(K - step)
				ca, _ = pr.Encode(a, ca)
				cb, _ = pr.Encode(a+step, cb)
				require.Equal(t, k-1, agreements(ca, cb))
			}
			require.Equal(t, len(primes)-k+1, pr.MinDistance())
		}
	}
}

func TestPrimeResidueReconstructAllSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		K      int
		primes []int
	}{
		{2310, []int{2, 3, 5, 7, 11}},
		{1000, []int{13, 7, 11, 17, 19}},
		{200, []int{3, 5, 7, 11, 13, 17}},
	} {
		pr, err := NewPrimeResidue(c.K, c.primes)
		require.NoError(t, err)
		table := codeTable(t, pr)
		n := len(c.primes)
		subsets(n, func(sites []int) {
			prod := 1
			for _, i := range sites {
				prod *= c.primes[i]
			}
			// Codewords: the label, from the sites in any order.
			for y, code := range table {
				syms, pairs := orders(rng, sites, code)
				for _, order := range pairs {
					got, err := pr.Reconstruct(order[0], order[1])
					if prod < c.K {
						require.ErrorIs(t, err, ErrTooFewSites)
						if y%97 == 0 {
							// Several labels fit unless the smallest
							// solution is the only one below K.
							fit := matches(table, sites, syms)
							require.NotEmpty(t, fit)
							require.Equal(t, fit[0]+prod < c.K, len(fit) > 1)
						}
						continue
					}
					require.NoError(t, err)
					require.Equal(t, y, got)
				}
			}
			if prod < c.K {
				return
			}
			// Arbitrary residues: the brute-force scan and the CRT agree.
			for range 200 {
				syms := make([]int, len(sites))
				for j, i := range sites {
					syms[j] = rng.IntN(c.primes[i])
				}
				want := matches(table, sites, syms)
				ref, _ := refCRT(c.primes, sites, syms)
				got, err := pr.Reconstruct(sites, syms)
				if len(want) == 0 {
					require.ErrorIs(t, err, ErrLabelRange)
					require.True(t, ref.Cmp(big.NewInt(int64(c.K))) >= 0)
					continue
				}
				require.Len(t, want, 1)
				require.NoError(t, err)
				require.Equal(t, want[0], got)
				require.Equal(t, int64(got), ref.Int64())
			}
		})
	}
}

func TestPrimeResidueReconstructLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type tc struct {
		K      int
		primes []int
	}
	var cases []tc
	for _, K := range []int{1_000_000, MaxClasses} {
		for _, k := range []int{2, 3, 5} {
			primes, err := ChoosePrimes(K, k+2, k)
			require.NoError(t, err)
			cases = append(cases, tc{K, primes})
		}
	}
	// Primes near MaxPrime and a single prime above K.
	cases = append(cases,
		tc{MaxClasses, []int{2147483647, 2147483629, 2147483587}},
		tc{MaxClasses, []int{MaxPrime}},
		tc{MaxClasses, []int{2, 2147483629}},
		// More sites than the inverse table covers (extended Euclid path),
		// and more than checkSites handles on the stack.
		tc{100_000, mustPrimes(t, 100_000, 300, 2)},
		tc{100_000, mustPrimes(t, 100_000, 1100, 2)},
	)
	for _, c := range cases {
		pr, err := NewPrimeResidue(c.K, c.primes)
		require.NoError(t, err)
		n := len(c.primes)
		var code []int
		for range 300 {
			y := randomLabel(rng, c.K)
			code, _ = pr.Encode(y, code)
			// A random subset of random size, in random order.
			size := 1 + rng.IntN(min(n, 40))
			sites := rng.Perm(n)[:size]
			syms := symbolsAt(code, sites)
			ref, prod := refCRT(c.primes, sites, syms)
			got, err := pr.Reconstruct(sites, syms)
			if prod.Cmp(big.NewInt(int64(c.K))) < 0 {
				require.ErrorIs(t, err, ErrTooFewSites)
				continue
			}
			require.NoError(t, err)
			require.Equal(t, y, got)
			require.Equal(t, ref.Int64(), int64(y))
			// Corrupt one symbol: the CRT value moves to >= K unless the
			// subset alone reaches K with no check left.
			j := rng.IntN(size)
			syms[j] = (syms[j] + 1) % c.primes[sites[j]]
			ref, _ = refCRT(c.primes, sites, syms)
			got, err = pr.Reconstruct(sites, syms)
			if ref.Cmp(big.NewInt(int64(c.K))) >= 0 {
				require.ErrorIs(t, err, ErrLabelRange)
			} else {
				require.NoError(t, err)
				require.Equal(t, ref.Int64(), int64(got))
			}
		}
		y, err := pr.Decode(code)
		require.NoError(t, err)
		require.Equal(t, code, mustEncode(t, pr, y))
	}
}

func mustPrimes(t *testing.T, K, sites, k int) []int {
	t.Helper()
	p, err := ChoosePrimes(K, sites, k)
	require.NoError(t, err)
	return p
}

func mustEncode(t *testing.T, m Mapping, y int) []int {
	t.Helper()
	c, err := m.Encode(y, nil)
	require.NoError(t, err)
	return c
}

func TestPrimeResidueReconstructErrors(t *testing.T) {
	for _, primes := range [][]int{{11, 13, 17}, mustPrimes(t, 100, 1100, 2)} {
		pr, err := NewPrimeResidue(100, primes)
		require.NoError(t, err)
		n := len(primes)
		_, err = pr.Reconstruct([]int{0, n}, []int{1, 1})
		assert.ErrorIs(t, err, ErrSiteRange)
		_, err = pr.Reconstruct([]int{-1, 1}, []int{1, 1})
		assert.ErrorIs(t, err, ErrSiteRange)
		_, err = pr.Reconstruct([]int{1, 1}, []int{1, 1})
		assert.ErrorIs(t, err, ErrSiteRange)
		_, err = pr.Reconstruct([]int{0, 1}, []int{primes[0], 1})
		assert.ErrorIs(t, err, ErrSymbolRange)
		_, err = pr.Reconstruct([]int{0, 1}, []int{0, -1})
		assert.ErrorIs(t, err, ErrSymbolRange)
		_, err = pr.Reconstruct(nil, nil)
		assert.ErrorIs(t, err, ErrTooFewSites)
		if n > 40 {
			// Long subsets: a repeat far apart is found too.
			sites := make([]int, 50)
			syms := make([]int, 50)
			for i := range sites {
				sites[i] = 2 * i
			}
			sites[49] = 0
			_, err = pr.Reconstruct(sites, syms)
			assert.ErrorIs(t, err, ErrSiteRange)
			sites[49] = 1
			y, err := pr.Reconstruct(sites, syms)
			require.NoError(t, err)
			assert.Zero(t, y)
		}
	}
	// Decode rejects residues of a value >= K.
	pr, _ := NewPrimeResidue(100, []int{11, 13, 17})
	_, err := pr.Decode([]int{100 % 11, 100 % 13, 100 % 17})
	assert.ErrorIs(t, err, ErrNotCodeword)
	_, err = pr.Reconstruct([]int{2, 0, 1}, []int{100 % 17, 100 % 11, 100 % 13})
	assert.ErrorIs(t, err, ErrLabelRange)
}

func TestPrimeResidueNoAlloc(t *testing.T) {
	for _, c := range [][3]int{{1_000_000, 5, 2}, {1_000_000, 300, 2}, {100_000, 1024, 3}} {
		K := c[0]
		primes := mustPrimes(t, K, c[1], c[2])
		pr, err := NewPrimeResidue(K, primes)
		require.NoError(t, err)
		code := mustEncode(t, pr, 98765)
		sites := []int{3, 1, 4}
		syms := []int{code[3], code[1], code[4]}
		bad := []int{code[3], code[1], (code[4] + 1) % primes[4]}
		assert.Zero(t, testing.AllocsPerRun(100, func() {
			if y, err := pr.Reconstruct(sites, syms); err != nil || y != 98765 {
				panic("reconstruct")
			}
		}))
		assert.Zero(t, testing.AllocsPerRun(100, func() {
			if _, err := pr.Reconstruct(sites, bad); err == nil {
				panic("no error")
			}
		}), "rejecting a candidate allocates")
		assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = pr.Reconstruct(sites[:1], syms[:1]) }))
	}
}

func TestPrimeResidueAccessors(t *testing.T) {
	in := []int{7, 11, 13}
	pr, err := NewPrimeResidue(1000, in)
	require.NoError(t, err)
	in[0] = 2 // the constructor copied
	got := pr.Primes()
	assert.Equal(t, []int{7, 11, 13}, got)
	got[1] = 3 // Primes returns a copy
	assert.Equal(t, 11, pr.SiteClasses(1))
	assert.Equal(t, 3, pr.Sites())
	assert.Equal(t, 1000, pr.Classes())
	// 7·11 < 1000 <= 7·13: two sites may agree, so the distance is 1.
	assert.Equal(t, 1, pr.MinDistance())
	assert.Equal(t, []int{12345 % 31, 12345 % 37, 12345 % 41}, mustEncode(t, mustPR(t, 20000, []int{31, 37, 41}), 12345))
}

func mustPR(t *testing.T, K int, primes []int) *PrimeResidue {
	t.Helper()
	pr, err := NewPrimeResidue(K, primes)
	require.NoError(t, err)
	return pr
}
