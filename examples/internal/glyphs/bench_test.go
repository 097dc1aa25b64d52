package glyphs

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkRender(b *testing.B) {
	for _, size := range []int{16, 32, 64} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			ft := openFace(b, "Noto Sans CJK SC Regular")
			dst := make([]float32, size*size)
			b.ReportAllocs()
			b.SetBytes(int64(size * size * 4))
			i := 0
			for b.Loop() {
				var err error
				if dst, err = ft.Render(First+rune(i%NumClasses), size, dst); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "glyphs/s")
		})
	}
}

// BenchmarkBuild renders all 20,902 glyphs at 32x32 of one face and of the
// eight, without cache on 1 and 2 workers, and from a warm cache.
func BenchmarkBuild(b *testing.B) {
	face, _ := FaceByName("Noto Sans CJK SC Regular")
	for _, fs := range [][]Face{{face}, Faces()} {
		needFonts(b, fs...)
		dir := b.TempDir()
		for _, bc := range []struct {
			name string
			opts Options
		}{
			{"cache=off/workers=1", Options{NoCache: true, Workers: 1}},
			{"cache=off/workers=2", Options{NoCache: true, Workers: 2}},
			{"cache=warm", Options{CacheDir: dir}},
		} {
			b.Run(fmt.Sprintf("faces=%d/%s", len(fs), bc.name), func(b *testing.B) {
				o := bc.opts
				o.Faces = fs
				if !o.NoCache {
					if _, err := Build(context.Background(), o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Build(context.Background(), o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*len(fs)*NumClasses)/b.Elapsed().Seconds(), "glyphs/s")
			})
		}
	}
}
