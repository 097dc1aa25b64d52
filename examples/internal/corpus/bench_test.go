package corpus

import (
	"bytes"
	"testing"
)

func BenchmarkTokens(b *testing.B) {
	text, err := RepublicText()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decompress", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if _, err := RepublicText(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tokenize", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if _, err := ReadTokens(bytes.NewReader(text), RepublicStart); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("republic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Republic(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	c, err := Republic()
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]int, len(c.Tokens))
	b.ReportAllocs()
	for b.Loop() {
		if dst, err = c.Vocab.Encode(c.Tokens, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(c.Tokens))/b.Elapsed().Seconds(), "tokens/s")
}
