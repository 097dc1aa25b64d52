package infer_test

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
)

// FuzzUnmarshal fuzzes Load's recognition of every kind and the parsers
// behind it. Both file formats end with a CRC-32C of the bytes before it;
// with seal set the target rewrites it, so mutated bodies reach the
// parsers. Whatever loads must predict (a row of zeros) and answer TopK
// without panicking; whatever does not load must fail with one of the
// package's sentinels. DSNC files load with the linear or the nearest
// decoder, chosen by the fuzzer: a table decoder named in a file costs
// O(2^bits·classes) to build by design (dsnc's own target covers it up to
// 12 bits), which would stall the fuzzer on a mutated bit count.
func FuzzUnmarshal(f *testing.F) {
	for _, name := range []string{"dsnc.model", "dsnc.model.nearest", "dsnc.model.table", "dsnc-01.model.linear",
		"ensemble.lm", "site1.lm", "multihead.lm", "onehot.lm"} {
		b, err := os.ReadFile(filepath.Join(compat.Dir("v1"), name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false, false)
		f.Add(b, true, false)
		f.Add(b, true, true)
	}
	f.Add([]byte("LABELMAP"), true, false)
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	f.Fuzz(func(t *testing.T, data []byte, seal, nearest bool) {
		if len(data) > 1<<16 {
			return
		}
		if seal && len(data) >= 4 {
			data = append([]byte(nil), data...)
			end := len(data) - 4
			binary.LittleEndian.PutUint32(data[end:], crc32.Checksum(data[:end], castagnoli))
		}
		dec := infer.LinearDecoder
		if nearest {
			dec = infer.NearestDecoder
		}
		m, err := infer.Unmarshal(data, infer.WithDecoder(dec))
		if err != nil {
			if !errors.Is(err, infer.ErrFormat) && !errors.Is(err, infer.ErrCorrupt) && !errors.Is(err, infer.ErrUnsupported) {
				t.Fatalf("error %v wraps none of ErrFormat, ErrCorrupt, ErrUnsupported", err)
			}
			return
		}
		x := make([]float32, m.Features())
		if _, err := m.Predict(x); err != nil {
			t.Fatalf("loaded %v does not predict: %v", m, err)
		}
		if _, err := m.TopK(x, 3, nil); err != nil && !errors.Is(err, infer.ErrUnsupported) {
			t.Fatalf("loaded %v: TopK: %v", m, err)
		}
	})
}
