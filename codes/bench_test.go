package codes

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks are named by shape. Run them with
//
//	go test -run XXX -bench . -benchtime 200ms ./codes/
//
// The impl=reference cases time the slow references of the tests (math/big
// CRT, Lagrange with one inversion per term) in the same run, as the
// baseline for the fast paths.

const benchK = 1_000_000

type benchShape struct {
	name string
	m    Mapping
}

func benchShapes(b *testing.B) []benchShape {
	b.Helper()
	must := func(m Mapping, err error) Mapping {
		if err != nil {
			b.Fatal(err)
		}
		return m
	}
	pr := func(sites, k int) Mapping {
		primes, err := ChoosePrimes(benchK, sites, k)
		if err != nil {
			b.Fatal(err)
		}
		return must(NewPrimeResidue(benchK, primes))
	}
	rs := func(k, sites int) Mapping {
		p, err := ChooseField(benchK, k)
		if err != nil {
			b.Fatal(err)
		}
		return must(NewReedSolomon(benchK, p, sites))
	}
	return []benchShape{
		{"onehot/K=1M", must(NewOneHot(benchK))},
		{"binary/K=1M/bits=20", must(NewBinary(benchK))},
		{"randombinary/K=1M/bits=64", must(NewRandomBinary(benchK, 64, 1))},
		{"primeresidue/K=1M/k=2/n=4", pr(4, 2)},
		{"primeresidue/K=1M/k=3/n=6", pr(6, 3)},
		{"reedsolomon/K=1M/k=2/n=4", rs(2, 4)},
		{"reedsolomon/K=1M/k=3/n=6", rs(3, 6)},
	}
}

func reportLabels(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "labels/s")
}

func BenchmarkEncode(b *testing.B) {
	for _, s := range benchShapes(b) {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]int, s.m.Sites())
			K := s.m.Classes()
			y := 0
			for b.Loop() {
				dst, _ = s.m.Encode(y, dst)
				y += 7919
				if y >= K {
					y -= K
				}
			}
			reportLabels(b)
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, s := range benchShapes(b) {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			words := make([][]int, 1024)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range words {
				words[i], _ = s.m.Encode(rng.IntN(s.m.Classes()), nil)
			}
			i := 0
			for b.Loop() {
				if _, err := s.m.Decode(words[i&1023]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportLabels(b)
		})
	}
}

// reconstructor is what PrimeResidue and ReedSolomon share.
type reconstructor interface {
	Reconstruct(sites, symbols []int) (int, error)
}

// reconstructCase is a batch of site subsets with their symbols.
type reconstructCase struct {
	sites, symbols [][]int
	labels         []int
}

func makeReconstructCase(m Mapping, size int, rng *rand.Rand) reconstructCase {
	var c reconstructCase
	for range 1024 {
		y := rng.IntN(m.Classes())
		code, _ := m.Encode(y, nil)
		sites := rng.Perm(m.Sites())[:size]
		syms := symbolsAt(code, sites)
		c.sites = append(c.sites, sites)
		c.symbols = append(c.symbols, syms)
		c.labels = append(c.labels, y)
	}
	return c
}

func BenchmarkReconstruct(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range []struct {
		kind      string
		k, n, s   int
		corrupted bool
	}{
		{"primeresidue", 2, 4, 2, false},
		{"primeresidue", 2, 4, 3, false},
		{"primeresidue", 3, 6, 3, false},
		{"primeresidue", 2, 4, 2, true},
		{"reedsolomon", 2, 4, 2, false},
		{"reedsolomon", 2, 4, 3, false},
		{"reedsolomon", 3, 6, 3, false},
		{"reedsolomon", 2, 4, 2, true},
	} {
		var m Mapping
		var err error
		var primes []int
		var p int
		if sh.kind == "primeresidue" {
			primes, err = ChoosePrimes(benchK, sh.n, sh.k)
			if err == nil {
				m, err = NewPrimeResidue(benchK, primes)
			}
		} else {
			p, err = ChooseField(benchK, sh.k)
			if err == nil {
				m, err = NewReedSolomon(benchK, p, sh.n)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
		c := makeReconstructCase(m, sh.s, rng)
		if sh.corrupted {
			// Random symbols: most candidates are rejected (value >= K).
			for _, syms := range c.symbols {
				for j := range syms {
					syms[j] = rng.IntN(m.SiteClasses(0))
				}
			}
		}
		name := fmt.Sprintf("%s/K=1M/k=%d/n=%d/s=%d", sh.kind, sh.k, sh.n, sh.s)
		if sh.corrupted {
			name += "/random"
		}
		b.Run(name+"/impl=fast", func(b *testing.B) {
			b.ReportAllocs()
			r := m.(reconstructor)
			i := 0
			for b.Loop() {
				j := i & 1023
				y, err := r.Reconstruct(c.sites[j], c.symbols[j])
				if !sh.corrupted && (err != nil || y != c.labels[j]) {
					b.Fatal(y, err)
				}
				i++
			}
			reportLabels(b)
		})
		if sh.corrupted {
			continue
		}
		b.Run(name+"/impl=reference", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				j := i & 1023
				var y int
				if primes != nil {
					x, _ := refCRT(primes, c.sites[j], c.symbols[j])
					y = int(x.Int64())
				} else {
					y = refLagrange(p, c.sites[j][:sh.k], c.symbols[j][:sh.k])
				}
				if y != c.labels[j] {
					b.Fatal(y)
				}
				i++
			}
			reportLabels(b)
		})
	}
}

func BenchmarkCorrect(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range []struct{ k, n int }{{2, 8}, {2, 32}, {3, 12}} {
		p, err := ChooseField(benchK, sh.k)
		if err != nil {
			b.Fatal(err)
		}
		m, err := NewReedSolomon(benchK, p, sh.n)
		if err != nil {
			b.Fatal(err)
		}
		radius := (sh.n - sh.k) / 2
		words := make([][]int, 256)
		labels := make([]int, len(words))
		for i := range words {
			labels[i] = rng.IntN(benchK)
			code, _ := m.Encode(labels[i], nil)
			words[i], _ = corrupt(rng, code, p, radius, 0)
		}
		b.Run(fmt.Sprintf("reedsolomon/K=1M/p=%d/k=%d/n=%d/errors=%d", p, sh.k, sh.n, radius), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				j := i & 255
				y, _, err := m.Correct(words[j], nil)
				if err != nil || y != labels[j] {
					b.Fatal(y, err)
				}
				i++
			}
			reportLabels(b)
		})
	}
}
