package codes_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// linearMappings returns small Linear mappings of every kind, edge sizes
// included (K = 2, one site, k = 1, unsorted primes, the prime 2).
func linearMappings(t *testing.T) map[string]codes.Linear {
	t.Helper()
	out := map[string]codes.Linear{}
	add := func(name string, m codes.Linear, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = m
	}
	for _, k := range []int{2, 3, 7, 100} {
		m, err := codes.NewOneHot(k)
		add(fmt.Sprintf("onehot/K=%d", k), m, err)
	}
	for _, k := range []int{2, 3, 4, 5, 8, 9, 100} {
		m, err := codes.NewBinary(k)
		add(fmt.Sprintf("binary/K=%d", k), m, err)
	}
	for _, c := range []struct {
		k      int
		primes []int
	}{{2, []int{2}}, {2, []int{3, 2}}, {6, []int{2, 3}}, {210, []int{2, 3, 5, 7}}, {200, []int{7, 2, 5, 3}}, {100, []int{11, 13, 17, 19, 23}}, {30, []int{31}}} {
		m, err := codes.NewPrimeResidue(c.k, c.primes)
		add(fmt.Sprintf("prime/K=%d/%v", c.k, c.primes), m, err)
	}
	for _, c := range []struct{ k, p, n int }{{2, 2, 1}, {2, 2, 2}, {3, 3, 2}, {4, 2, 2}, {120, 5, 5}, {125, 5, 4}, {300, 11, 6}, {900, 31, 2}, {1000, 1009, 3}, {500, 7, 7}} {
		m, err := codes.NewReedSolomon(c.k, c.p, c.n)
		add(fmt.Sprintf("rs/K=%d/p=%d/n=%d", c.k, c.p, c.n), m, err)
	}
	return out
}

func siteMods(m codes.Mapping) []int {
	q := make([]int, m.Sites())
	for i := range q {
		q[i] = m.SiteClasses(i)
	}
	return q
}

// TestGeneratorMatchesEncode checks the generator's shape and ranges and
// that it yields Encode's symbols for every label.
func TestGeneratorMatchesEncode(t *testing.T) {
	for name, m := range linearMappings(t) {
		g := m.Generator()
		K, n := m.Classes(), m.Sites()
		if g.Base < 2 || g.Digits < 1 || len(g.Coef) != n*g.Digits {
			t.Fatalf("%s: generator shape %d %d %d", name, g.Base, g.Digits, len(g.Coef))
		}
		pw := 1
		for range g.Digits - 1 {
			pw *= g.Base
		}
		if pw >= K || pw*g.Base < K {
			t.Fatalf("%s: Base^(Digits-1) = %d, Base^Digits = %d, K = %d", name, pw, pw*g.Base, K)
		}
		q := siteMods(m)
		for i := range n {
			for _, c := range g.Coef[i*g.Digits : (i+1)*g.Digits] {
				if c < 0 || c >= q[i] {
					t.Fatalf("%s: site %d coefficient %d outside [0, %d)", name, i, c, q[i])
				}
			}
		}
		var want, got []int
		for y := range K {
			want, _ = m.Encode(y, want)
			got = g.Symbols(y, q, got)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: label %d: generator %v, Encode %v", name, y, got, want)
			}
		}
	}
}

// TestReconstructionBruteForce checks Determines against a brute-force
// collision search on every set of sites (in a shuffled order too), and
// that every label's symbols at every determining set reconstruct it.
func TestReconstructionBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, m := range linearMappings(t) {
		K, n := m.Classes(), m.Sites()
		table := make([][]int, K)
		for y := range K {
			table[y], _ = m.Encode(y, nil)
		}
		var r codes.Reconstruction
		for mask := 0; mask < 1<<n; mask++ {
			var sites []int
			for i := range n {
				if mask&(1<<i) != 0 {
					sites = append(sites, i)
				}
			}
			for order := range 2 {
				if order == 1 {
					rng.Shuffle(len(sites), func(a, b int) { sites[a], sites[b] = sites[b], sites[a] })
				}
				seen := map[string]bool{}
				brute := len(sites) > 0
				sym := make([]int, len(sites))
				for y := range K {
					for t, i := range sites {
						sym[t] = table[y][i]
					}
					k := fmt.Sprint(sym)
					if seen[k] {
						brute = false
						break
					}
					seen[k] = true
				}
				if got := m.Determines(sites); got != brute {
					t.Fatalf("%s sites %v: Determines %v, brute force %v", name, sites, got, brute)
				}
				err := m.Reconstruction(sites, &r)
				if !brute {
					if !errors.Is(err, codes.ErrTooFewSites) {
						t.Fatalf("%s sites %v: error %v, want ErrTooFewSites", name, sites, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s sites %v: %v", name, sites, err)
				}
				checkReconstruction(t, name, m, sites, &r)
				for y := range K {
					for t, i := range sites {
						sym[t] = table[y][i]
					}
					if v := r.Value(sym); v != uint64(y) {
						t.Fatalf("%s sites %v: label %d reconstructed as %d", name, sites, y, v)
					}
				}
			}
		}
	}
}

// checkReconstruction checks the documented shape and ranges of r.
func checkReconstruction(t *testing.T, name string, m codes.Mapping, sites []int, r *codes.Reconstruction) {
	t.Helper()
	if !slices.Equal(r.Sites, sites) || r.Modulus < 2 || r.Digits < 1 || len(r.Coef) != len(sites)*r.Digits {
		t.Fatalf("%s sites %v: shape %v %d %d %d", name, sites, r.Sites, r.Modulus, r.Digits, len(r.Coef))
	}
	for _, c := range r.Coef {
		if c >= r.Modulus {
			t.Fatalf("%s sites %v: coefficient %d >= %d", name, sites, c, r.Modulus)
		}
	}
	pw := 1.0
	for range r.Digits - 1 {
		pw *= float64(r.Modulus)
	}
	if pw >= float64(m.Classes()) || pw*float64(r.Modulus) >= 0x1p62 {
		t.Fatalf("%s sites %v: Modulus^(Digits-1) = %g for K = %d", name, sites, pw, m.Classes())
	}
}

// TestReconstructionLarge checks reconstruction at K = MaxClasses, where
// the CRT modulus nears 2^62 and Reed–Solomon has p near 2^16, on random
// labels and determining sets.
func TestReconstructionLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p1 := codes.MaxClasses - 1
	for !codes.IsPrime(p1) {
		p1--
	}
	pr, err := codes.ChoosePrimes(codes.MaxClasses, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	var ms []codes.Linear
	for _, f := range []func() (codes.Linear, error){
		func() (codes.Linear, error) { return codes.NewPrimeResidue(codes.MaxClasses, []int{p1, 5, 3}) },
		func() (codes.Linear, error) { return codes.NewPrimeResidue(codes.MaxClasses, pr) },
		func() (codes.Linear, error) { return codes.NewReedSolomon(codes.MaxClasses, 46349, 5) },
		func() (codes.Linear, error) { return codes.NewReedSolomon(codes.MaxClasses, 31, 31) },
		func() (codes.Linear, error) { return codes.NewReedSolomon(codes.MaxClasses, 1291, 4) },
		func() (codes.Linear, error) { return codes.NewBinary(codes.MaxClasses) },
		func() (codes.Linear, error) { return codes.NewOneHot(codes.MaxClasses) },
	} {
		m, err := f()
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	var r codes.Reconstruction
	for _, m := range ms {
		n := m.Sites()
		g := m.Generator()
		q := siteMods(m)
		for range 300 {
			perm := rng.Perm(n)
			s := 1
			for !m.Determines(perm[:s]) {
				s++
			}
			sites := perm[:s+rng.IntN(n-s+1)]
			if err := m.Reconstruction(sites, &r); err != nil {
				t.Fatal(err)
			}
			checkReconstruction(t, fmt.Sprintf("%T", m), m, sites, &r)
			y := rng.IntN(m.Classes())
			sym, _ := m.Encode(y, nil)
			if gs := g.Symbols(y, q, nil); !slices.Equal(gs, sym) {
				t.Fatalf("%T label %d: generator %v, Encode %v", m, y, gs, sym)
			}
			vals := make([]int, len(sites))
			for t, i := range sites {
				vals[t] = sym[i]
			}
			if v := r.Value(vals); v != uint64(y) {
				t.Fatalf("%T sites %v: label %d reconstructed as %d", m, sites, y, v)
			}
		}
	}
}

func TestReconstructionErrors(t *testing.T) {
	for name, m := range linearMappings(t) {
		var r codes.Reconstruction
		n := m.Sites()
		for _, sites := range [][]int{{-1}, {n}, {0, 0}} {
			if m.Determines(sites) {
				t.Errorf("%s: Determines(%v)", name, sites)
			}
			if err := m.Reconstruction(sites, &r); !errors.Is(err, codes.ErrSiteRange) {
				t.Errorf("%s: Reconstruction(%v): %v", name, sites, err)
			}
		}
		if m.Determines(nil) {
			t.Errorf("%s: Determines(nil)", name)
		}
		if err := m.Reconstruction(nil, &r); !errors.Is(err, codes.ErrTooFewSites) {
			t.Errorf("%s: Reconstruction(nil): %v", name, err)
		}
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		if err := m.Reconstruction(all, &r); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(10, func() {
			_ = m.Determines(all)
			_ = m.Reconstruction(all, &r)
			_ = m.Reconstruction(all[:0], &r)
		}); a != 0 {
			t.Errorf("%s: %v allocations with a warm Reconstruction", name, a)
		}
	}
}
