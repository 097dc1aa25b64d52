package decode

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// BenchmarkLinear compares the decoder's scores (bias plus the weight rows
// of the set bits, gonum floats.Add) with a dense product W·b (gonum
// blas64.Gemv on row-major W), for codes with 10% and 50% of bits set.
func BenchmarkLinear(b *testing.B) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, classes := range []int{1000, 100_000} {
		for _, nbits := range []int{64, 256} {
			lin, w, bias := randomLinear(b, rng, classes, nbits, false)
			for _, density := range []float64{0.1, 0.5} {
				code := randomCode(rng, nbits, density)
				name := fmt.Sprintf("K=%d/bits=%d/density=%.1f", classes, nbits, density)
				b.Run(name+"/method=rows", func(b *testing.B) {
					b.ReportAllocs()
					dst := make([]float64, classes)
					for b.Loop() {
						dst, _ = lin.Scores(code, dst)
					}
				})
				b.Run(name+"/method=gemv", func(b *testing.B) {
					b.ReportAllocs()
					x := make([]float64, nbits)
					dst := make([]float64, classes)
					raw := w.RawMatrix()
					for b.Loop() {
						for i := range nbits {
							x[i] = float64(code[i/64] >> (uint(i) % 64) & 1)
						}
						copy(dst, bias)
						blas64.Gemv(blas.NoTrans, 1, raw, blas64.Vector{N: nbits, Inc: 1, Data: x}, 1, blas64.Vector{N: classes, Inc: 1, Data: dst})
					}
				})
				b.Run(name+"/method=topk", func(b *testing.B) {
					b.ReportAllocs()
					dst := make([]Scored, 0, 5)
					for b.Loop() {
						dst, _ = lin.TopK(code, 5, dst)
					}
				})
			}
		}
	}
}

// BenchmarkHammingNN decodes noisy copies of clustered 64-bit codes
// (100 000 stored codes around 1000 centres) through each index.
func BenchmarkHammingNN(b *testing.B) {
	rng := rand.New(rand.NewPCG(53, 54))
	lin := hamming.NewLinear(64)
	mi, _ := hamming.NewMultiIndex(64, 0)
	centres := make([]uint64, 1000)
	for i := range centres {
		centres[i] = rng.Uint64()
	}
	labels := make([]int, 100_000)
	for id := range labels {
		c := rng.IntN(len(centres))
		code := centres[c]
		for range 3 {
			code ^= 1 << uint(rng.IntN(64))
		}
		lin.Add([]uint64{code})
		mi.Add([]uint64{code})
		labels[id] = c % 100
	}
	if err := mi.Build(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	queries := make([][]uint64, 256)
	for i := range queries {
		code := centres[rng.IntN(len(centres))]
		for range 4 {
			code ^= 1 << uint(rng.IntN(64))
		}
		queries[i] = []uint64{code}
	}
	for _, idx := range []struct {
		name string
		idx  hamming.Index
	}{{"linear", lin}, {"multi", mi}} {
		for _, k := range []int{1, 10} {
			nn, err := NewHammingNN(idx.idx, labels, 100, k)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("index=%s/n=1e5/k=%d", idx.name, k), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := nn.Decode(queries[i%len(queries)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkTable is one decode through a 20-bit table.
func BenchmarkTable(b *testing.B) {
	rng := rand.New(rand.NewPCG(55, 56))
	ht, _ := hamming.NewTable(20)
	labels := clusteredIndex(b, rng, ht, 10_000, 100, 50, 0.05)
	tb, err := NewTableFromIndex(context.Background(), ht, labels, 50)
	if err != nil {
		b.Fatal(err)
	}
	code := []uint64{0}
	b.ReportAllocs()
	for b.Loop() {
		code[0] = (code[0]*2654435761 + 1) & (1<<20 - 1)
		if _, err := tb.Decode(code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTableFromLinear builds the table of a 16-bit, 1000-class linear
// decoder.
func BenchmarkTableFromLinear(b *testing.B) {
	rng := rand.New(rand.NewPCG(57, 58))
	lin, _, _ := randomLinear(b, rng, 1000, 16, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTableFromLinear(context.Background(), lin, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1<<16), "ns/code")
}

// BenchmarkECOC decodes hard bits and soft probabilities: random codes of
// 64 bits for 10 000 labels (a scan), and the binary code of 10^6 labels
// (soft decoding by max-product search).
func BenchmarkECOC(b *testing.B) {
	rng := rand.New(rand.NewPCG(59, 60))
	rb, err := codes.NewRandomBinary(10_000, 64, 1)
	if err != nil {
		b.Fatal(err)
	}
	bin, err := codes.NewBinary(1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    codes.Mapping
	}{{"random/K=1e4/bits=64", rb}, {"binary/K=1e6/bits=20", bin}} {
		e, err := NewECOC(c.m)
		if err != nil {
			b.Fatal(err)
		}
		nb := c.m.Sites()
		y := rng.IntN(c.m.Classes())
		sym, _ := c.m.Encode(y, nil)
		probs := make([]float64, nb)
		code := make([]uint64, hamming.Words(nb))
		for i, s := range sym {
			p := 0.8 + 0.2*rng.Float64()
			if rng.IntN(10) == 0 {
				p = 1 - p // a wrong bit
			}
			if s == 0 {
				p = 1 - p
			}
			probs[i] = p
			if p > 0.5 {
				code[i/64] |= 1 << (uint(i) % 64)
			}
		}
		b.Run(c.name+"/bits", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.DecodeBits(code); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/soft", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.DecodeSoft(probs, LogisticLoss); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
