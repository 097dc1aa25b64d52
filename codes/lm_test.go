package codes

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// lmCase is a request to NewMixed or NewSimplex: K labels, n sites.
type lmCase struct{ K, n int }

func (c lmCase) String() string { return fmt.Sprintf("K=%d/n=%d", c.K, c.n) }

// lmCases cover the smallest K, the two examples' K (7,409 words of the
// Republic, 20,902 glyphs), a million and MaxClasses.
var lmCases = []lmCase{
	{2, 2}, {3, 2}, {4, 3}, {10, 3}, {100, 5},
	{7409, 2}, {7409, 3}, {7409, 4}, {7409, 6},
	{20902, 2}, {20902, 3}, {20902, 5}, {20902, 7},
	{1000000, 2}, {1000000, 4},
	{MaxClasses, 2}, {MaxClasses, 3}, {MaxClasses, 6},
}

// lmRoot returns ceil(√K) by integer arithmetic, independently of
// kthRootCeil.
func lmRoot(K int) int {
	r := 1
	for r*r < K {
		r++
	}
	return r
}

// lmCheckInjective checks that m is injective: Decode(Encode(y)) == y for
// every label when K <= 10^6 (which implies distinct codes), and otherwise
// for the extreme labels and random ones; every pair of sites must
// Reconstruct the label (any 2 sites determine it).
func lmCheckInjective(t *testing.T, m interface {
	Mapping
	Reconstruct(sites, symbols []int) (int, error)
}) {
	t.Helper()
	K, n := m.Classes(), m.Sites()
	var labels []int
	if K <= 1000000 {
		for y := range K {
			labels = append(labels, y)
		}
	} else {
		labels = []int{0, 1, 2, K / 2, K - 2, K - 1}
		r := rand.New(rand.NewPCG(uint64(K), uint64(n)))
		for range 2000 {
			labels = append(labels, r.IntN(K))
		}
	}
	sym := make([]int, n)
	for _, y := range labels {
		var err error
		sym, err = m.Encode(y, sym)
		if err != nil {
			t.Fatalf("Encode(%d): %v", y, err)
		}
		// Plain comparisons: require costs too much for 10^6 labels.
		if got, err := m.Decode(sym); err != nil || got != y {
			t.Fatalf("Decode(Encode(%d) = %v) = %d, %v", y, sym, got, err)
		}
	}
	if K <= 1000000 && K*n <= 200000 {
		seen := make(map[string]int, K)
		for y := range K {
			sym, _ = m.Encode(y, sym)
			key := fmt.Sprint(sym)
			prev, dup := seen[key]
			require.False(t, dup, "labels %d and %d share code %v", prev, y, sym)
			seen[key] = y
		}
	}
	// Every pair of sites determines the label.
	step := max(1, len(labels)/500)
	for j := 0; j < len(labels); j += step {
		y := labels[j]
		sym, _ = m.Encode(y, sym)
		for a := range n {
			for b := range n {
				if a == b {
					continue
				}
				got, err := m.Reconstruct([]int{a, b}, []int{sym[a], sym[b]})
				require.NoError(t, err, "label %d sites %d, %d", y, a, b)
				require.Equal(t, y, got)
			}
		}
	}
}

func TestNewMixed(t *testing.T) {
	for _, c := range lmCases {
		t.Run(c.String(), func(t *testing.T) {
			m := lmNew(t, c, NewMixed)

			// The rule: the n smallest primes >= ceil(√K), increasing.
			primes := m.Primes()
			root := lmRoot(c.K)
			q := root
			for i, p := range primes {
				for ; !IsPrime(q); q++ {
				}
				require.Equal(t, q, p, "prime of site %d", i)
				require.Equal(t, p, m.SiteClasses(i))
				q++
			}
			require.GreaterOrEqual(t, primes[0]*primes[1], c.K, "two sites determine the label")
			want, err := ChoosePrimes(c.K, c.n, 2)
			require.NoError(t, err)
			require.Equal(t, want, primes)

			wantDist := c.n - 1
			if c.K == 2 {
				wantDist = c.n
			}
			require.Equal(t, wantDist, m.MinDistance())

			// Identical, as saved, to the code built by hand.
			byHand, err := NewPrimeResidue(c.K, want)
			require.NoError(t, err)
			lmRequireSameJSON(t, byHand, m)

			lmCheckInjective(t, m)
		})
	}
}

func TestNewSimplex(t *testing.T) {
	for _, c := range lmCases {
		if p, _ := ChooseField(c.K, 2); c.n > p {
			continue // more sites than GF(p) has points: TestLMErrors
		}
		t.Run(c.String(), func(t *testing.T) {
			m := lmNew(t, c, NewSimplex)

			// The rule: p is the smallest prime with p² >= K.
			p := m.Prime()
			require.True(t, IsPrime(p))
			require.GreaterOrEqual(t, p*p, c.K)
			for q := lmRoot(c.K); q < p; q++ {
				require.False(t, IsPrime(q), "prime %d < %d has q² >= K", q, p)
			}
			want, err := ChooseField(c.K, 2)
			require.NoError(t, err)
			require.Equal(t, want, p)
			for i := range c.n {
				require.Equal(t, p, m.SiteClasses(i))
			}

			wantDigits := 2
			if c.K == 2 {
				wantDigits = 1
			}
			require.Equal(t, wantDigits, m.Digits())
			require.Equal(t, c.n-wantDigits+1, m.MinDistance())
			points := make([]int, c.n)
			for i := range points {
				points[i] = i
			}
			require.Equal(t, points, m.Points(), "points 0, ..., n-1")

			byHand, err := NewReedSolomon(c.K, want, c.n)
			require.NoError(t, err)
			lmRequireSameJSON(t, byHand, m)

			lmCheckInjective(t, m)
		})
	}
}

// TestLMSharedSite checks what both docs say: site 0 of the simplex LM and
// site 0 of the mixed LM of the same K are the same function, y mod p.
func TestLMSharedSite(t *testing.T) {
	for _, K := range []int{2, 3, 7409, 20902, 1000000, MaxClasses} {
		mixed, err := NewMixed(K, 2)
		require.NoError(t, err)
		simplex, err := NewSimplex(K, 2)
		require.NoError(t, err)
		p := simplex.Prime()
		require.Equal(t, p, mixed.SiteClasses(0), "K=%d", K)
		r := rand.New(rand.NewPCG(uint64(K), 0))
		for range 1000 {
			y := r.IntN(K)
			a, _ := mixed.Encode(y, nil)
			b, _ := simplex.Encode(y, nil)
			require.Equal(t, y%p, a[0])
			require.Equal(t, y%p, b[0])
		}
	}
}

// TestLMExampleConfigs checks the two examples' codes: the Republic's
// (K = 7,409) mixed and simplex LMs of 2, 4 and 6 sites and the glyphs'
// (K = 20,902) of 2 to 6 sites with the field chosen by rule (the glyphs
// example's -simplex-p 0; its default is the paper's GF(181), which is not
// the rule's choice).
func TestLMExampleConfigs(t *testing.T) {
	explicit := map[int][]int{
		7409:  {89, 97, 101, 103, 107, 109},
		20902: {149, 151, 157, 163, 167, 173, 179},
	}
	fields := map[int]int{7409: 89, 20902: 149}
	for K, all := range explicit {
		for n := 2; n <= 6; n++ {
			mixed, err := NewMixed(K, n)
			require.NoError(t, err)
			require.Equal(t, all[:n], mixed.Primes(), "K=%d n=%d", K, n)
			pr, err := ChoosePrimes(K, n, 2)
			require.NoError(t, err)
			byHand, err := NewPrimeResidue(K, pr)
			require.NoError(t, err)
			lmRequireSameJSON(t, byHand, mixed)

			simplex, err := NewSimplex(K, n)
			require.NoError(t, err)
			require.Equal(t, fields[K], simplex.Prime())
			p, err := ChooseField(K, 2)
			require.NoError(t, err)
			rs, err := NewReedSolomon(K, p, n)
			require.NoError(t, err)
			lmRequireSameJSON(t, rs, simplex)
		}
	}
	// The paper's table II primes for the glyphs are the rule's.
	m, err := NewMixed(20902, 7)
	require.NoError(t, err)
	require.True(t, slices.Equal(explicit[20902], m.Primes()))
}

func TestLMErrors(t *testing.T) {
	cases := []struct {
		name     string
		K, n     int
		mixed    error // nil: success
		simplex  error
		simplexP int // field on success
	}{
		{"K=1", 1, 3, ErrTooFewClasses, ErrTooFewClasses, 0},
		{"K=0", 0, 3, ErrTooFewClasses, ErrTooFewClasses, 0},
		{"K<0", -5, 3, ErrTooFewClasses, ErrTooFewClasses, 0},
		{"K>max", MaxClasses + 1, 3, ErrTooManyClasses, ErrTooManyClasses, 0},
		{"n=1", 7409, 1, ErrTooFewSites, ErrTooFewSites, 0},
		{"n=0", 7409, 0, ErrTooFewSites, ErrTooFewSites, 0},
		{"n<0", 7409, -1, ErrTooFewSites, ErrTooFewSites, 0},
		{"n=p", 7409, 89, nil, nil, 89},
		{"n=p+1", 7409, 90, nil, ErrTooManySites, 0},
		{"K=2/n=3", 2, 3, nil, ErrTooManySites, 0},
		{"K=4/n=3", 4, 3, nil, ErrTooManySites, 0},
		{"K=max/n=p", MaxClasses, 46349, nil, nil, 46349},
		{"K=max/n=p+1", MaxClasses, 46350, nil, ErrTooManySites, 0},
		{"n=MaxSites", 7409, MaxSites, nil, ErrTooManySites, 0},
		{"n>MaxSites", 7409, MaxSites + 1, ErrTooManySites, ErrTooManySites, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewMixed(c.K, c.n)
			if c.mixed == nil {
				require.NoError(t, err)
				require.Equal(t, c.n, m.Sites())
			} else {
				require.ErrorIs(t, err, c.mixed)
				require.Nil(t, m)
				require.Contains(t, err.Error(), "NewMixed")
			}
			s, err := NewSimplex(c.K, c.n)
			if c.simplex == nil {
				require.NoError(t, err)
				require.Equal(t, c.n, s.Sites())
				require.Equal(t, c.simplexP, s.Prime())
			} else {
				require.ErrorIs(t, err, c.simplex)
				require.Nil(t, s)
				require.Contains(t, err.Error(), "NewSimplex")
			}
		})
	}
}

// lmNew builds the code of case c with newCode and requires its K and n.
func lmNew[M Mapping](t *testing.T, c lmCase, newCode func(K, n int) (M, error)) M {
	t.Helper()
	m, err := newCode(c.K, c.n)
	require.NoError(t, err)
	require.Equal(t, c.K, m.Classes())
	require.Equal(t, c.n, m.Sites())
	return m
}

// lmRequireSameJSON requires two mappings to serialize identically, that
// is to be the same code as saved in a model.
func lmRequireSameJSON(t *testing.T, want, got Mapping) {
	t.Helper()
	a, err := Marshal(want)
	require.NoError(t, err)
	b, err := Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(a), string(b))
}
