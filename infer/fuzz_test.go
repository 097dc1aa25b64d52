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
// package's sentinels.
func FuzzUnmarshal(f *testing.F) {
	for _, name := range []string{"dsnc.model", "dsnc.model.nearest", "dsnc.model.table", "dsnc-01.model.linear",
		"ensemble.lm", "site1.lm", "multihead.lm", "onehot.lm"} {
		b, err := os.ReadFile(filepath.Join(compat.Dir("v1"), name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte("LABELMAP"), true)
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	f.Fuzz(func(t *testing.T, data []byte, seal bool) {
		if len(data) > 1<<16 {
			return
		}
		if seal && len(data) >= 4 {
			data = append([]byte(nil), data...)
			end := len(data) - 4
			binary.LittleEndian.PutUint32(data[end:], crc32.Checksum(data[:end], castagnoli))
		}
		m, err := infer.Unmarshal(data)
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
