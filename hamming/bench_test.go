package hamming

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// Benchmark fixtures are built once per process, with fixed seeds.

const (
	benchMaxN    = 1_000_000
	benchQueries = 1024
	benchCentres = 10_000
)

type fixture struct {
	bits    int
	codes   []uint64 // benchMaxN codes, packed
	queries [][]uint64
}

var (
	fixtureOnce sync.Map // name -> *sync.Once
	fixtures    sync.Map // name -> *fixture
)

// getFixture builds the named fixture once.
func getFixture(name string, build func() *fixture) *fixture {
	once, _ := fixtureOnce.LoadOrStore(name, new(sync.Once))
	once.(*sync.Once).Do(func() { fixtures.Store(name, build()) })
	f, _ := fixtures.Load(name)
	return f.(*fixture)
}

// flipMask returns a word whose bits are set with probability 1/16
// independently: the AND of four uniform words.
func flipMask(rng *rand.Rand) uint64 {
	return rng.Uint64() & rng.Uint64() & rng.Uint64() & rng.Uint64()
}

// uniformFixture: uniform random codes and queries.
func uniformFixture(bits int) *fixture {
	return getFixture(fmt.Sprintf("uniform/%d", bits), func() *fixture {
		rng := rand.New(rand.NewPCG(uint64(bits), 1))
		f := &fixture{bits: bits, codes: randCodes(rng, bits, benchMaxN)}
		for range benchQueries {
			f.queries = append(f.queries, randCode(rng, bits))
		}
		return f
	})
}

// clusteredFixture: benchCentres uniform random centres; every code and
// every query is a copy of a random centre with each bit flipped with
// probability 1/16 (4 of 64 bits on average), the shape of the codes a
// trained DSNC network gives to the examples of 10^4 classes.
func clusteredFixture(bits int) *fixture {
	return getFixture(fmt.Sprintf("clustered/%d", bits), func() *fixture {
		rng := rand.New(rand.NewPCG(uint64(bits), 2))
		w := Words(bits)
		centres := randCodes(rng, bits, benchCentres)
		noisy := func() []uint64 {
			c := rng.IntN(benchCentres)
			code := slices.Clone(centres[c*w : (c+1)*w])
			for i := range code {
				code[i] ^= flipMask(rng)
			}
			code[w-1] &= lastMask(bits)
			return code
		}
		f := &fixture{bits: bits, codes: make([]uint64, 0, benchMaxN*w)}
		for range benchMaxN {
			f.codes = append(f.codes, noisy()...)
		}
		for range benchQueries {
			f.queries = append(f.queries, noisy())
		}
		return f
	})
}

// Indexes over the first n codes of a fixture are built once too.
var indexCache sync.Map

func cachedIndex(b *testing.B, kind string, f *fixture, data string, n int) Index {
	key := fmt.Sprintf("%s/%s/%d/%d", kind, data, f.bits, n)
	if x, ok := indexCache.Load(key); ok {
		return x.(Index)
	}
	w := Words(f.bits)
	var x Index
	var err error
	switch kind {
	case "Linear":
		l := NewLinear(f.bits)
		_, err = l.AddPacked(f.codes[:n*w])
		x = l
	case "MultiIndex":
		mi, _ := NewMultiIndex(f.bits, 0)
		if _, err = mi.AddPacked(f.codes[:n*w]); err == nil {
			err = mi.Build(context.Background(), nil)
		}
		x = mi
	case "Table":
		tb, e := NewTable(f.bits)
		if err = e; err == nil {
			if _, err = tb.AddPacked(f.codes[:n*w]); err == nil {
				err = tb.Build(context.Background(), nil)
			}
		}
		x = tb
	}
	if err != nil {
		b.Fatal(err)
	}
	indexCache.Store(key, x)
	return x
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dK", n/1000)
	}
	return fmt.Sprint(n)
}

// benchSearch runs one query per iteration, cycling through the fixture's
// queries, and reports codes/s: stored codes covered per second, n per
// query (for an index that does not look at every code, the rate of a
// linear scan that would take as long). bytes/s is the same for the codes'
// bytes.
func benchSearch(b *testing.B, x Index, f *fixture, k int) {
	n := x.Len()
	b.SetBytes(int64(n * Words(f.bits) * 8))
	b.ReportAllocs()
	dst := x.Search(f.queries[0], k, nil)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dst = x.Search(f.queries[i%len(f.queries)], k, dst)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "codes/s")
}

// BenchmarkLinearSearch: scan throughput. The target is memory bandwidth:
// at least 5 GB/s of codes per core at 10^6 256-bit codes.
func BenchmarkLinearSearch(b *testing.B) {
	for _, bits := range []int{64, 256} {
		for _, n := range []int{10_000, 1_000_000} {
			for _, k := range []int{1, 10} {
				b.Run(fmt.Sprintf("bits=%d/n=%s/k=%d", bits, sizeName(n), k), func(b *testing.B) {
					f := uniformFixture(bits)
					benchSearch(b, cachedIndex(b, "Linear", f, "uniform", n), f, k)
				})
			}
		}
	}
}

// checkSame verifies that two indexes give identical results on the
// fixture's queries (once per pair): the benchmarks compare speeds of
// identical answers.
var checked sync.Map

func checkSame(b *testing.B, x, ref Index, f *fixture, k int, key string) {
	if _, done := checked.LoadOrStore(key, true); done {
		return
	}
	for i, q := range f.queries[:256] {
		got, want := x.Search(q, k, nil), ref.Search(q, k, nil)
		if !slices.Equal(got, want) {
			b.Fatalf("%s: query %d: %v, Linear %v", key, i, got, want)
		}
	}
}

// BenchmarkSearch: MultiIndex against Linear on 10^6 64-bit codes, for
// clustered codes (10^4 centres, 1/16 of the bits flipped) and uniform
// ones, and on uniform 256-bit codes, where probing cannot pay and
// MultiIndex must give up quickly. The target is MultiIndex at least 20
// times faster than Linear for 1-NN on the clustered codes.
func BenchmarkSearch(b *testing.B) {
	for _, shape := range []struct {
		data string
		bits int
	}{{"clustered", 64}, {"uniform", 64}, {"uniform", 256}} {
		data, bits := shape.data, shape.bits
		for _, k := range []int{1, 10} {
			for _, kind := range []string{"Linear", "MultiIndex"} {
				b.Run(fmt.Sprintf("data=%s/bits=%d/n=1M/k=%d/index=%s", data, bits, k, kind), func(b *testing.B) {
					var f *fixture
					if data == "clustered" {
						f = clusteredFixture(bits)
					} else {
						f = uniformFixture(bits)
					}
					x := cachedIndex(b, kind, f, data, benchMaxN)
					if kind != "Linear" {
						checkSame(b, x, cachedIndex(b, "Linear", f, data, benchMaxN), f, k, b.Name())
					}
					benchSearch(b, x, f, k)
				})
			}
		}
	}
}

// BenchmarkTable: Table lookup against Linear for 20-bit codes, 10^4
// stored codes.
func BenchmarkTable(b *testing.B) {
	const n = 10_000
	for _, kind := range []string{"Linear", "MultiIndex", "Table"} {
		b.Run(fmt.Sprintf("bits=20/n=10K/k=1/index=%s", kind), func(b *testing.B) {
			f := uniformFixture(20)
			x := cachedIndex(b, kind, f, "uniform", n)
			if kind != "Linear" {
				checkSame(b, x, cachedIndex(b, "Linear", f, "uniform", n), f, 1, b.Name())
			}
			benchSearch(b, x, f, 1)
		})
	}
	b.Run("bits=20/n=10K/Lookup", func(b *testing.B) {
		f := uniformFixture(20)
		tb := cachedIndex(b, "Table", f, "uniform", n).(*Table)
		b.ReportAllocs()
		sum := 0
		for i := 0; b.Loop(); i++ {
			id, _ := tb.Lookup(f.queries[i%len(f.queries)][0])
			sum += id
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "codes/s")
		_ = sum
	})
}

// BenchmarkBuild: building the tables from scratch.
func BenchmarkBuild(b *testing.B) {
	b.Run("MultiIndex/data=clustered/bits=64/n=1M", func(b *testing.B) {
		f := clusteredFixture(64)
		b.ReportAllocs()
		for b.Loop() {
			mi, _ := NewMultiIndex(64, 0)
			mi.AddPacked(f.codes)
			if err := mi.Build(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchMaxN)*float64(b.N)/b.Elapsed().Seconds(), "codes/s")
	})
	for _, bits := range []int{20, 24} {
		b.Run(fmt.Sprintf("Table/bits=%d/n=10K", bits), func(b *testing.B) {
			f := uniformFixture(bits)
			b.ReportAllocs()
			for b.Loop() {
				tb, _ := NewTable(bits)
				tb.AddPacked(f.codes[:10_000])
				if err := tb.Build(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(uint64(1)<<bits)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		})
	}
}

// BenchmarkSearchBatch: many queries on all cores against one at a time.
func BenchmarkSearchBatch(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("index=Linear/bits=256/n=1M/k=1/workers=%d", workers), func(b *testing.B) {
			f := uniformFixture(256)
			x := cachedIndex(b, "Linear", f, "uniform", benchMaxN)
			queries := slices.Concat(f.queries[:16]...)
			b.SetBytes(int64(16 * benchMaxN * 32))
			b.ReportAllocs()
			var dst []Neighbor
			for b.Loop() {
				dst = SearchBatch(x, queries, 1, workers, dst)
			}
			b.ReportMetric(16*float64(benchMaxN)*float64(b.N)/b.Elapsed().Seconds(), "codes/s")
		})
	}
}

// BenchmarkSubstrings: MultiIndex 1-NN on 10^6 clustered 64-bit codes for
// several numbers of substrings around the automatic round(64/log2 10^6)
// = 3.
func BenchmarkSubstrings(b *testing.B) {
	for _, m := range []int{2, 3, 4, 5, 6} {
		b.Run(fmt.Sprintf("data=clustered/bits=64/n=1M/k=1/m=%d", m), func(b *testing.B) {
			f := clusteredFixture(64)
			key := fmt.Sprintf("MultiIndex%d/clustered/64/%d", m, benchMaxN)
			x, ok := indexCache.Load(key)
			if !ok {
				mi, _ := NewMultiIndex(64, m)
				mi.AddPacked(f.codes)
				if err := mi.Build(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				x = mi
				indexCache.Store(key, x)
			}
			benchSearch(b, x.(Index), f, 1)
		})
	}
}
