package labelmap

import (
	"hash/crc32"
	"math/rand/v2"

	labelcode "github.com/labelcode/labelcode"
)

// prototypes generates a problem with a known answer: K random class
// prototypes in dim dimensions (standard normal), and rows that are a
// prototype plus N(0, noise²) per coordinate. It returns per rows per class
// for training, and a quarter of that (at least 1) per class for validation
// and for test.
func prototypes(classes, dim, per int, noise float64, seed uint64) (train, val, test *labelcode.Dataset) {
	rng := rand.New(rand.NewPCG(seed, 7))
	protos := make([]float64, classes*dim)
	for i := range protos {
		protos[i] = rng.NormFloat64()
	}
	gen := func(n int) *labelcode.Dataset {
		d := &labelcode.Dataset{Features: dim, Classes: classes}
		for c := 0; c < classes; c++ {
			for k := 0; k < n; k++ {
				for j := 0; j < dim; j++ {
					d.X = append(d.X, float32(protos[c*dim+j]+noise*rng.NormFloat64()))
				}
				d.Y = append(d.Y, c)
			}
		}
		// Shuffle the rows so that minibatch order does not follow labels.
		rows := rng.Perm(len(d.Y))
		return d.Subset(rows)
	}
	small := max(per/4, 1)
	return gen(per), gen(small), gen(small)
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }
