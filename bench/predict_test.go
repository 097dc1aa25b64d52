package main

import (
	"context"
	"testing"

	"github.com/labelcode/labelcode/dsnc"
)

// BenchmarkPredictOne times the Go side's one-example prediction on the
// benchmark's trained networks (two epochs on 5,120 generated rows, as
// `go run ./bench` trains them), one call per example over the first 256
// rows, as the program times it; training happens before the timer starts
// (a few seconds per case). For dsnc it reports the mean number of set
// bits of the codes (bits/code), which decides the linear decoder's cost.
func BenchmarkPredictOne(b *testing.B) {
	d, err := makeData(5120)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []string{"lm", "dsnc"} {
		b.Run(c, func(b *testing.B) {
			tr, err := trainGo(context.Background(), c, d, 2, 256, 1e-3, 1)
			if err != nil {
				b.Fatal(err)
			}
			set := -1
			if p, ok := tr.model.(*dsnc.Model); ok {
				set = 0
				var code []uint64
				for r := range 256 {
					if code, err = p.Code(d.Row(r), code); err != nil {
						b.Fatal(err)
					}
					for _, w := range code {
						set += popcount(w)
					}
				}
			}
			for r := range 10 {
				if _, err := tr.model.Predict(d.Row(r)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			r := 0
			for b.Loop() {
				if _, err := tr.model.Predict(d.Row(r)); err != nil {
					b.Fatal(err)
				}
				r = (r + 1) % 256
			}
			if set >= 0 {
				b.ReportMetric(float64(set)/256, "bits/code")
			}
		})
	}
}

func popcount(w uint64) int {
	n := 0
	for ; w != 0; w &= w - 1 {
		n++
	}
	return n
}
