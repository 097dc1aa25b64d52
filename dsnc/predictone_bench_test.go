package dsnc

import (
	"testing"

	"gorgonia.org/tensor"
)

// BenchmarkPredictOne times one example at a time through the predictor of
// the bench/ shape (1024 → 512 ReLU → 64 bits → 20,000 classes, linear
// decoding), and its two halves.
func BenchmarkPredictOne(b *testing.B) {
	d := benchData(b, 256)
	m, err := NewModel(Config{Features: benchIn, Hidden: []int{512}, Bits: benchBits, Classes: benchK}, tensor.Float32, 1)
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPredictor(m, Decoding{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("predict", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := p.Predict(d.Row(i % 256)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("encode", func(b *testing.B) {
		var ws Workspace
		var code []uint64
		i := 0
		for b.Loop() {
			code = p.enc.Encode(d.Row(i%256), code, &ws)
			i++
		}
	})
	b.Run("decode", func(b *testing.B) {
		var s scratch
		codes := make([][]uint64, 256)
		for r := range codes {
			codes[r] = p.enc.Encode(d.Row(r), nil, &s.ws)
		}
		i := 0
		for b.Loop() {
			if _, err := p.lab.label(codes[i%256], &s); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
