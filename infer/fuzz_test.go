package infer_test

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/container"
)

// containerOf returns the container (internal/container) holding the body
// of a compat file of the earlier frames: a DSNC model ("DSNCMODL", 20-byte
// header, uint32 version at 8) or a labelmap file ("LABELMAP", 12-byte
// header, kind byte at 10).
func containerOf(t testing.TB, legacy []byte) []byte {
	t.Helper()
	switch string(legacy[:8]) {
	case "DSNCMODL":
		return container.Seal(container.DSNCModel, uint16(binary.LittleEndian.Uint32(legacy[8:])), legacy[20:len(legacy)-4])
	case "LABELMAP":
		kinds := map[byte]container.Kind{1: container.LMEnsemble, 2: container.LMSite, 3: container.LMMultiHead}
		return container.Seal(kinds[legacy[10]], 1, legacy[12:len(legacy)-4])
	}
	t.Fatalf("not a file of an earlier frame: %q", legacy[:8])
	return nil
}

// fuzzFiles are the compat files the fuzz target starts from.
var fuzzFiles = []string{"dsnc.model", "dsnc.model.nearest", "dsnc.model.table", "dsnc-01.model.linear",
	"ensemble.lm", "site1.lm", "multihead.lm", "onehot.lm"}

// TestContainerSeedsLoad checks that the container seeds of FuzzUnmarshal
// load and predict as the files of the earlier frames they hold, so that
// the fuzzer reaches the parsers through both frames, and that the files
// of the later releases (containers written by the library) load or are
// ErrUnsupported (a site file); and that a container of another kind is
// ErrFormat, one cut short ErrCorrupt.
func TestContainerSeedsLoad(t *testing.T) {
	in, _, err := compat.Load("v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fuzzFiles {
		legacy := compat.Read(t, "v1", name)
		want, werr := infer.Unmarshal(legacy)
		got, gerr := infer.Unmarshal(containerOf(t, legacy))
		if (werr == nil) != (gerr == nil) || (werr != nil && !errors.Is(gerr, infer.ErrUnsupported)) {
			t.Fatalf("%s: earlier frame %v, container %v", name, werr, gerr)
		}
		if werr != nil {
			continue // a site file: ErrUnsupported either way
		}
		if got.Kind() != want.Kind() || got.String() != want.String() {
			t.Fatalf("%s: container loads %v, earlier frame %v", name, got, want)
		}
		for r := range in.Rows {
			a, errA := want.Predict(in.Row(r))
			b, errB := got.Predict(in.Row(r))
			if a != b || errA != nil || errB != nil {
				t.Fatalf("%s: row %d: container predicts %d (%v), earlier frame %d (%v)", name, r, b, errB, a, errA)
			}
		}
	}
	for _, name := range fuzzFiles {
		for _, b := range compat.Containers(t, name) {
			if !container.HasMagic(b) {
				t.Fatalf("%s is not a container", name)
			}
			if _, err := infer.Unmarshal(b); err != nil && (name != "site1.lm" || !errors.Is(err, infer.ErrUnsupported)) {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	if _, err := infer.Unmarshal(container.Seal(container.HammingTable, 1, nil)); !errors.Is(err, infer.ErrFormat) || !errors.Is(err, container.ErrKind) {
		t.Errorf("a Hamming table: %v, want ErrFormat and ErrKind", err)
	}
	if _, err := infer.Unmarshal([]byte(container.Magic + "\x01")); !errors.Is(err, infer.ErrCorrupt) || !errors.Is(err, container.ErrTruncated) {
		t.Errorf("a container cut in its kind: %v, want ErrCorrupt", err)
	}
}

// FuzzUnmarshal fuzzes Load's recognition of every kind and the parsers
// behind it, seeded with the compat files in both frames (the v1 files in
// the earlier DSNCMODL and LABELMAP frames and in containers, and the
// containers of the later releases). Every frame ends with a
// CRC-32C of the bytes before it; with seal set the target rewrites it,
// so mutated bodies reach the parsers. Whatever loads must predict (a row of zeros) and answer TopK
// without panicking; whatever does not load must fail with one of the
// package's sentinels. DSNC files load with the linear or the nearest
// decoder, chosen by the fuzzer: a table decoder named in a file costs
// O(2^bits·classes) to build by design (dsnc's own target covers it up to
// 12 bits), which would stall the fuzzer on a mutated bit count.
func FuzzUnmarshal(f *testing.F) {
	for _, name := range fuzzFiles {
		b := compat.Read(f, "v1", name)
		for _, data := range append([][]byte{b, containerOf(f, b)}, compat.Containers(f, name)...) {
			f.Add(data, false, false)
			f.Add(data, true, false)
			f.Add(data, true, true)
		}
	}
	f.Add([]byte("LABELMAP"), true, false)
	f.Add([]byte(container.Magic), true, false)
	f.Add(container.Seal(container.HammingLinear, 1, make([]byte, 16)), true, false)
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
