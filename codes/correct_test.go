package codes

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corrupt returns a copy of code with `errs` symbols changed to other
// values and `erasures` sites erased (their symbols set to -1, which Correct
// must ignore), all at distinct random sites.
func corrupt(rng *rand.Rand, code []int, p, errs, erasures int) (received, erased []int) {
	received = append([]int(nil), code...)
	perm := rng.Perm(len(code))
	for _, i := range perm[:errs] {
		received[i] = (received[i] + 1 + rng.IntN(p-1)) % p
	}
	erased = perm[errs : errs+erasures]
	for _, i := range erased {
		received[i] = -1
	}
	return received, erased
}

func TestCorrectWithinRadius(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	cases := []rsCase{{343, 7, 7}, {100, 11, 11}, {20, 5, 5}, {13, 13, 9}, {1_000_000, 1009, 12},
		{MaxClasses, 65537, 40}, {MaxClasses, MaxPrime, 9}, {MaxClasses, 11, 11}, {100_000, 317, 317}}
	trials := 200
	if testing.Short() {
		trials = 40
	}
	for _, c := range cases {
		m := mustRS(t, c)
		k := m.Digits()
		for erasures := 0; erasures <= c.n-k; erasures++ {
			t.Logf("%v erasures=%d", c, erasures)
			radius := (c.n - erasures - k) / 2
			for errs := 0; errs <= radius; errs++ {
				for range trials / (radius + 1) {
					y := rng.IntN(c.K)
					code := mustEncode(t, m, y)
					received, erased := corrupt(rng, code, c.p, errs, erasures)
					got, fixed, err := m.Correct(received, erased)
					require.NoError(t, err, "%v label %d errors %d erasures %d", c, y, errs, erasures)
					require.Equal(t, y, got)
					require.Equal(t, errs, fixed)
				}
			}
			if c.n > 40 && erasures > 3 {
				break // the long code is covered by its first erasure counts
			}
		}
	}
}

func TestCorrectAgainstBruteForce(t *testing.T) {
	// Every outcome of Correct is checked against a scan of all labels for
	// codes within the radius: at most one can be (unique decoding), and
	// Correct must return it, or ErrTooManyErrors when there is none.
	rng := rand.New(rand.NewPCG(23, 24))
	words := 3000
	if testing.Short() {
		words = 500
	}
	for _, c := range []rsCase{{343, 7, 7}, {300, 7, 7}, {100, 11, 11}, {121, 11, 8}, {20, 5, 5}, {13, 13, 9}, {50, 7, 4}, {3, 2, 2}, {3, 3, 3}} {
		m := mustRS(t, c)
		k := m.Digits()
		table := codeTable(t, m)
		found, failed := 0, 0
		for range words {
			erasures := rng.IntN(c.n - k + 2) // one past the limit
			errs := rng.IntN(c.n - erasures + 1)
			code := table[rng.IntN(c.K)]
			received, erased := corrupt(rng, code, c.p, min(errs, c.n-erasures), erasures)
			isErased := make([]bool, c.n)
			for _, i := range erased {
				isErased[i] = true
			}
			got, fixed, err := m.Correct(received, erased)
			if erasures > c.n-k {
				require.ErrorIs(t, err, ErrTooManyErrors)
				continue
			}
			radius := (c.n - erasures - k) / 2
			var within []int
			for y, cw := range table {
				if hamming(cw, received, isErased) <= radius {
					within = append(within, y)
				}
			}
			require.LessOrEqual(t, len(within), 1, "%v: two codes within radius %d", c, radius)
			if len(within) == 0 {
				require.ErrorIs(t, err, ErrTooManyErrors, "%v received %v erased %v", c, received, erased)
				failed++
				continue
			}
			require.NoError(t, err, "%v received %v erased %v", c, received, erased)
			require.Equal(t, within[0], got)
			require.Equal(t, hamming(table[got], received, isErased), fixed)
			found++
		}
		t.Logf("%v: %d decoded, %d beyond the radius", c, found, failed)
		require.Positive(t, found)
		require.Positive(t, failed, "no word beyond the radius was tried")
	}
}

func TestCorrectBeyondRadius(t *testing.T) {
	// radius+1 errors on a code with no other codeword near: the error is
	// clean, never another label.
	rng := rand.New(rand.NewPCG(25, 26))
	m := mustRS(t, rsCase{343, 7, 7}) // k = 3, radius 2
	table := codeTable(t, m)
	clean := 0
	for range 500 {
		y := rng.IntN(343)
		received, _ := corrupt(rng, table[y], 7, 3, 0)
		got, _, err := m.Correct(received, nil)
		if err != nil {
			require.ErrorIs(t, err, ErrTooManyErrors)
			clean++
			continue
		}
		// A miscorrection is only allowed onto a code within the radius.
		require.NotEqual(t, y, got)
		require.LessOrEqual(t, hamming(table[got], received, nil), 2)
	}
	require.Positive(t, clean)

	// Erasures beyond n-k, and codes whose nearest polynomial is not a label.
	m = mustRS(t, rsCase{100, 11, 11}) // k = 2
	_, _, err := m.Correct(make([]int, 11), []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	assert.ErrorIs(t, err, ErrTooManyErrors)
	for _, v := range []int{100, 120} {
		word := refRSEncode(11, 2, 11, v)
		word[3] = (word[3] + 1) % 11
		_, _, err = m.Correct(word, nil)
		assert.ErrorIs(t, err, ErrTooManyErrors, "value %d >= K", v)
	}
	// n-k erasures and nothing else: interpolation from the k sites left.
	code := mustEncode(t, m, 57)
	got, fixed, err := m.Correct(code, []int{10, 9, 8, 7, 6, 5, 4, 3, 2})
	require.NoError(t, err)
	assert.Equal(t, 57, got)
	assert.Zero(t, fixed)
}

func TestCorrectErrors(t *testing.T) {
	m := mustRS(t, rsCase{100, 11, 7})
	code := mustEncode(t, m, 42)
	for _, bad := range [][]int{{7}, {-1}, {2, 2}, {0, 3, 0}} {
		_, _, err := m.Correct(code, bad)
		assert.ErrorIs(t, err, ErrSiteRange, "erasures %v", bad)
	}
	w := append([]int(nil), code...)
	w[2] = 11
	_, _, err := m.Correct(w, nil)
	assert.ErrorIs(t, err, ErrSymbolRange)
	// The same symbol at an erased site is ignored.
	got, fixed, err := m.Correct(w, []int{2})
	require.NoError(t, err)
	assert.Equal(t, 42, got)
	assert.Zero(t, fixed)
	w[2] = -5
	got, _, err = m.Correct(w, []int{2})
	require.NoError(t, err)
	assert.Equal(t, 42, got)
	// The all-zero word is label 0.
	got, fixed, err = m.Correct(make([]int, 7), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, got)
	assert.Zero(t, fixed)
}
