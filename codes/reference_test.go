package codes

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Slow, obviously-right references for the fast paths, shared by tests,
// fuzz targets and benchmarks.

// trialPrime is primality by trial division.
func trialPrime(n int) bool {
	if n < 2 {
		return false
	}
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// refCRT returns the x in [0, Π p) with x ≡ symbols[j] (mod primes[sites[j]]),
// and Π p, by math/big and the textbook formula Σ r_j M_j (M_j^-1 mod p_j).
func refCRT(primes, sites, symbols []int) (x, prod *big.Int) {
	prod = big.NewInt(1)
	for _, i := range sites {
		prod.Mul(prod, big.NewInt(int64(primes[i])))
	}
	x = new(big.Int)
	for j, i := range sites {
		p := big.NewInt(int64(primes[i]))
		mj := new(big.Int).Div(prod, p)
		inv := new(big.Int).ModInverse(new(big.Int).Mod(mj, p), p)
		term := new(big.Int).Mul(big.NewInt(int64(symbols[j])), mj)
		term.Mul(term, inv)
		x.Add(x, term)
	}
	return x.Mod(x, prod), prod
}

// refRSEncode evaluates Σ d_j x^j at x = 0..n-1, the digits taken from y
// one division at a time and every power computed from scratch.
func refRSEncode(p, k, n, y int) []int {
	digits := make([]int, k)
	for j := range digits {
		digits[j] = y % p
		y /= p
	}
	out := make([]int, n)
	for x := range n {
		s := 0
		for j, d := range digits {
			pw := 1
			for range j {
				pw = pw * x % p
			}
			s = (s + d*pw) % p
		}
		out[x] = s
	}
	return out
}

// refLagrange interpolates the polynomial of degree < k through
// (xs[i], ys[i]) as Σ y_i Π_{j≠i} (x - x_j)/(x_i - x_j), with one modular
// inversion per term, and returns its value as a base-p number.
func refLagrange(p int, xs, ys []int) int {
	k := len(xs)
	coef := make([]int, k)
	for i := range k {
		// basis polynomial, expanded one factor at a time
		basis := []int{1}
		den := 1
		for j := range k {
			if j == i {
				continue
			}
			next := make([]int, len(basis)+1)
			for d, c := range basis {
				next[d+1] = (next[d+1] + c) % p
				next[d] = (next[d] + c*(p-xs[j])) % p
			}
			basis = next
			den = den * ((xs[i] - xs[j] + p) % p) % p
		}
		w := ys[i] * int(invMod(uint64(den), uint64(p))) % p
		for d, c := range basis {
			coef[d] = (coef[d] + w*c) % p
		}
	}
	v := 0
	for j := k - 1; j >= 0; j-- {
		v = v*p + coef[j]
	}
	return v
}

// codeTable encodes every label of m.
func codeTable(t testing.TB, m Mapping) [][]int {
	t.Helper()
	table := make([][]int, m.Classes())
	for y := range table {
		c, err := m.Encode(y, nil)
		require.NoError(t, err)
		table[y] = c
	}
	return table
}

// matches returns the labels whose codes equal symbols at the given sites
// (sites in range, any order), by scanning the table.
func matches(table [][]int, sites, symbols []int) []int {
	var out []int
	for y, c := range table {
		ok := true
		for j, i := range sites {
			if c[i] != symbols[j] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, y)
		}
	}
	return out
}

// hamming counts the sites where a and b differ, skipping erased sites.
func hamming(a, b []int, erased []bool) int {
	d := 0
	for i := range a {
		if (erased == nil || !erased[i]) && a[i] != b[i] {
			d++
		}
	}
	return d
}

// subsets calls fn with every subset of [0, n) as an increasing slice.
func subsets(n int, fn func([]int)) {
	for mask := 0; mask < 1<<n; mask++ {
		var s []int
		for i := range n {
			if mask>>i&1 == 1 {
				s = append(s, i)
			}
		}
		fn(s)
	}
}

// key is a map key for a code.
func key(c []int) string {
	var b strings.Builder
	for _, s := range c {
		fmt.Fprintf(&b, "%d,", s)
	}
	return b.String()
}

// shuffled returns a random permutation of s paired with the same
// permutation of t.
func shuffled(rng *rand.Rand, s, t []int) ([]int, []int) {
	perm := rng.Perm(len(s))
	a, b := make([]int, len(s)), make([]int, len(s))
	for i, j := range perm {
		a[i], b[i] = s[j], t[j]
	}
	return a, b
}

// orders returns the symbols of code at sites, as (sites, symbols) pairs in
// the given order and shuffled by rng.
func orders(rng *rand.Rand, sites, code []int) (syms []int, pairs [][2][]int) {
	syms = symbolsAt(code, sites)
	s2, y2 := shuffled(rng, sites, syms)
	return syms, [][2][]int{{sites, syms}, {s2, y2}}
}

// symbolsAt returns the symbols of code at sites.
func symbolsAt(code, sites []int) []int {
	syms := make([]int, len(sites))
	for j, i := range sites {
		syms[j] = code[i]
	}
	return syms
}

// randomLabel draws a label in [0, K), one time in four among the three
// largest.
func randomLabel(rng *rand.Rand, K int) int {
	y := rng.IntN(K)
	if rng.IntN(4) == 0 {
		y = K - 1 - rng.IntN(3)
	}
	return y
}

func TestReferencesAgree(t *testing.T) {
	// The references are checked against each other on a case worked by
	// hand, so that a shared mistake would show.
	x, prod := refCRT([]int{3, 5, 7}, []int{0, 1, 2}, []int{2, 3, 2})
	require.Equal(t, int64(23), x.Int64()) // Sun Tzu's 23
	require.Equal(t, int64(105), prod.Int64())
	// y = 2 + 3·5 = 17 over GF(5), k = 2: f(x) = 2 + 3x.
	require.Equal(t, []int{2, 0, 3, 1, 4}, refRSEncode(5, 2, 5, 17))
	require.Equal(t, 17, refLagrange(5, []int{1, 4}, []int{0, 4}))
	require.Equal(t, []int{1, 4}, matches([][]int{{0, 1}, {1, 1}, {1, 0}, {0, 0}, {1, 1}}, []int{1, 0}, []int{1, 1}))
	n := 0
	subsets(4, func(s []int) { n++; require.True(t, slices.IsSorted(s)) })
	require.Equal(t, 16, n)
}
