package nn

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// randomF32 returns n standard normal float32 values from seed.
func randomF32(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// BenchmarkRowAffine times one example through RowAffine at the shapes of
// the benchmark's networks: the 1024×512 trunk (a dense input) and, after
// the ReLU (half of the inputs zero), the 512×64 code layer and one
// 512×151 head. split=2 is the alternative RowAffine does not take: the
// columns cut in two halves (at a multiple of 8, so the bits are the same),
// the second half on a new goroutine, joined by a sync.WaitGroup.
func BenchmarkRowAffine(b *testing.B) {
	for _, sh := range [][2]int{{1024, 512}, {512, 64}, {512, 151}} {
		in, out := sh[0], sh[1]
		x, w, bias := randomF32(in, 1), randomF32(in*out, 2), randomF32(out, 3)
		if in == 512 {
			Rectify(x)
		}
		y := make([]float32, out)
		b.Run(fmt.Sprintf("in=%d/out=%d/split=1", in, out), func(b *testing.B) {
			var s RowScratch
			b.SetBytes(4 * int64(in*out))
			b.ReportAllocs()
			for b.Loop() {
				RowAffine(y, x, w, bias, &s)
			}
		})
		if !haveFMA || out < 16 {
			continue
		}
		b.Run(fmt.Sprintf("in=%d/out=%d/split=2", in, out), func(b *testing.B) {
			var s RowScratch
			h := out / 16 * 8
			b.SetBytes(4 * int64(in*out))
			for b.Loop() {
				idx, xv := s.gather(x)
				copy(y, bias)
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					sumRows(y[h:], w[h:], out, idx, xv)
					wg.Done()
				}()
				sumRows(y[:h], w, out, idx, xv)
				wg.Wait()
			}
		})
	}
}
