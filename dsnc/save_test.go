package dsnc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

func requireSameModel(t *testing.T, a, b *Model) {
	t.Helper()
	require.Equal(t, a.Config, b.Config)
	require.Equal(t, weightsOf(t, a), weightsOf(t, b))
	require.Equal(t, a.Codes, b.Codes)
	require.Equal(t, a.CodeLabels, b.CodeLabels)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m, _, te := trainedSmall(t, 20)
	path := filepath.Join(dir, "m.dsnc")
	require.NoError(t, m.Save(path))
	got, err := Load(path)
	require.NoError(t, err)
	requireSameModel(t, m, got)

	// hidden layers, no training codes, bits beyond a word
	m2, err := newModel(Config{Features: 5, Hidden: []int{4, 3}, Bits: 130, Classes: 6}, 4)
	require.NoError(t, err)
	b, err := m2.MarshalBinary()
	require.NoError(t, err)
	var back Model
	require.NoError(t, back.unmarshalBinary(b))
	requireSameModel(t, m2, &back)

	// a model keeps its decoder choice and predicts the same
	p, err := predictorOf(m, Decoding{Kind: NearestDecoding, Neighbors: 3})
	require.NoError(t, err)
	require.NoError(t, p.Save(path)) // over the existing file
	q, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, p.Decoding(), q.Decoding())
	requireSameModel(t, m, q)
	requireSameBatch(t, p, q, te)

	pt, err := predictorOf(m, Decoding{Kind: TableDecoding, TableOf: NearestDecoding})
	require.NoError(t, err)
	bt, err := pt.MarshalBinary()
	require.NoError(t, err)
	qt, err := Unmarshal(bt)
	require.NoError(t, err)
	require.Equal(t, pt.Decoding(), qt.Decoding())

	// WithDecoder replaces the decoder the file recorded, and predicts as
	// a model of that decoder does
	got, err = Load(path, WithDecoder(Decoding{Kind: TableDecoding}))
	require.NoError(t, err)
	requireSameModel(t, m, got)
	require.Equal(t, Decoding{Kind: TableDecoding}, got.Decoding())
	pt, err = predictorOf(m, Decoding{Kind: TableDecoding})
	require.NoError(t, err)
	requireSameBatch(t, pt, got, te)
	// the options other than the decoder start from the file's shape
	require.Equal(t, m.Config.Bits, got.opts.bits)
	require.Equal(t, m.Config.Hidden, got.opts.Hidden)
	_, err = Load(path, WithBits(0))
	require.ErrorIs(t, err, ErrConfig)
	// a model file records the model's decoder (linear for Fit's default)
	require.NoError(t, m.Save(path))
	q, err = Load(path)
	require.NoError(t, err)
	require.Equal(t, LinearDecoding, q.Decoding().Kind)

	// no temporary file is left behind
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)

	require.Error(t, m.Save(filepath.Join(dir, "missing", "m.dsnc")))
	_, err = Load(filepath.Join(dir, "missing.dsnc"))
	require.True(t, errors.Is(err, os.ErrNotExist))
}

func TestLoadBadFiles(t *testing.T) {
	m, _, _ := trainedSmall(t, 20)
	good, err := predictorOf(m, Decoding{Kind: NearestDecoding})
	require.NoError(t, err)
	data, err := good.MarshalBinary()
	require.NoError(t, err)

	isSentinel := func(err error) bool {
		return errors.Is(err, ErrFormat) || errors.Is(err, ErrVersion) || errors.Is(err, ErrTruncated) || errors.Is(err, ErrCorrupt)
	}
	// every truncation
	for n := 0; n < len(data); n++ {
		_, err := Unmarshal(data[:n])
		require.True(t, errors.Is(err, ErrTruncated), "length %d: %v", n, err)
	}
	// every single-byte corruption is detected
	for i := 0; i < len(data); i++ {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x5a
		_, err := Unmarshal(bad)
		require.True(t, isSentinel(err), "byte %d: %v", i, err)
		if i >= headerLen {
			require.True(t, errors.Is(err, ErrCorrupt), "byte %d: %v", i, err)
		}
	}
	// another version
	v2 := append([]byte(nil), data...)
	binary.LittleEndian.PutUint16(v2[10:], 3) // the container's version field
	_, err = Unmarshal(v2)
	require.True(t, errors.Is(err, ErrVersion), "%v", err)
	// not a model file
	_, err = Unmarshal([]byte("hello, this is not a model"))
	require.True(t, errors.Is(err, ErrFormat), "%v", err)
	// trailing bytes
	_, err = Unmarshal(append(append([]byte(nil), data...), 0))
	require.True(t, errors.Is(err, ErrCorrupt), "%v", err)
	// a consistent checksum over inconsistent content: a label out of range
	bad := append([]byte(nil), data...)
	end := len(bad) - 4
	labelsEnd := end - 6 // decoding kind, neighbours and table source follow the labels
	binary.LittleEndian.PutUint32(bad[labelsEnd-4:], 999)
	binary.LittleEndian.PutUint32(bad[end:], crc32.Checksum(bad[:end], castagnoli))
	_, err = Unmarshal(bad)
	require.True(t, errors.Is(err, ErrCorrupt), "%v", err)

	dir := t.TempDir()
	path := filepath.Join(dir, "cut.dsnc")
	require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o644))
	_, err = Load(path)
	require.True(t, errors.Is(err, ErrTruncated), "%v", err)
	_, err = Load(path)
	require.True(t, errors.Is(err, ErrTruncated), "%v", err)
}

// marshal64 encodes m and dec as a model file with float64 weights (m's
// float32 weights widened, so loading it gives m back).
func marshal64(t testing.TB, m *Model, dec Decoding) []byte {
	t.Helper()
	c := m.core()
	c.Float64 = true
	widen := func(l dsnccore.Layer) dsnccore.Layer {
		l.W, l.B = dsnccore.ToFloat64(l.W), dsnccore.ToFloat64(l.B)
		return l
	}
	c.Encoder = append([]dsnccore.Layer(nil), c.Encoder...)
	for i, l := range c.Encoder {
		c.Encoder[i] = widen(l)
	}
	c.Decoder = widen(c.Decoder)
	data, err := dsnccore.Marshal(c, dec.core())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestLoadFloat64File checks that a model file with float64 weights loads
// with the weights rounded to float32 and predicts as the float32 model.
func TestLoadFloat64File(t *testing.T) {
	m, _, te := trainedSmall(t, 20)
	dec := Decoding{Kind: NearestDecoding}
	data := marshal64(t, m, dec)
	got, err := Unmarshal(data)
	require.NoError(t, err)
	requireSameModel(t, m, got)
	require.Equal(t, dec, got.Decoding())
	p, err := predictorOf(m, dec)
	require.NoError(t, err)
	requireSameBatch(t, p, got, te)

	// a weight that float32 cannot hold is rounded
	c := m.core()
	c.Float64 = true
	c.Decoder.W, c.Decoder.B = dsnccore.ToFloat64(c.Decoder.W), dsnccore.ToFloat64(c.Decoder.B)
	c.Encoder = nil
	for _, l := range m.Encoder {
		c.Encoder = append(c.Encoder, dsnccore.Layer{In: l.In, Out: l.Out, W: dsnccore.ToFloat64(l.W), B: dsnccore.ToFloat64(l.B)})
	}
	c.Decoder.W.([]float64)[1] = 0.1
	data, err = dsnccore.Marshal(c, dsnccore.Decoding{})
	require.NoError(t, err)
	var back Model
	require.NoError(t, back.unmarshalBinary(data))
	require.Equal(t, float32(0.1), back.Decoder.W[1])
}

// fuzzSeed is a valid model file and its model's configuration.
type fuzzSeed struct {
	data []byte
	cfg  Config
}

// fuzzModels returns small valid model files that seed FuzzUnmarshal:
// float32 and float64 weights, symmetric or not, with and without hidden
// layers and training codes, codes of one and of two words, every decoder
// kind.
func fuzzModels(f *testing.F) []fuzzSeed {
	f.Helper()
	var out []fuzzSeed
	for i, tc := range []struct {
		cfg   Config
		f64   bool
		codes []uint64
		dec   Decoding
	}{
		{Config{Features: 3, Hidden: []int{2}, Bits: 9, Classes: 3}, false, []uint64{3, 7}, Decoding{Kind: NearestDecoding, Neighbors: 2}},
		{Config{Features: 2, Bits: 5, Classes: 2, Symmetric: true}, false, nil, Decoding{}},
		{Config{Features: 2, Bits: 4, Classes: 3, Symmetric: true}, true, []uint64{1, 2, 15}, Decoding{Kind: TableDecoding, TableOf: NearestDecoding}},
		{Config{Features: 1, Hidden: []int{2, 1}, Bits: 3, Classes: 2}, true, nil, Decoding{Kind: TableDecoding}},
		{Config{Features: 2, Bits: 65, Classes: 2, Symmetric: true}, false, []uint64{5, 1, 6, 0}, Decoding{Kind: NearestDecoding}},
	} {
		m, err := newModel(tc.cfg, uint64(i))
		if err != nil {
			f.Fatal(err)
		}
		w := hamming.Words(tc.cfg.Bits)
		for j := 0; j+w <= len(tc.codes); j += w {
			m.Codes = append(m.Codes, tc.codes[j:j+w]...)
			m.CodeLabels = append(m.CodeLabels, (j/w)%tc.cfg.Classes)
		}
		var data []byte
		if tc.f64 {
			data = marshal64(f, m, tc.dec)
		} else {
			p, err := predictorOf(m, tc.dec)
			if err != nil {
				f.Fatal(err)
			}
			if data, err = p.MarshalBinary(); err != nil {
				f.Fatal(err)
			}
		}
		out = append(out, fuzzSeed{data, tc.cfg})
	}
	return out
}

// FuzzUnmarshal fuzzes the body of a model file: the target wraps it in a
// valid header and checksum (version 1 when v1 is set, else 2), so the
// parser behind the checksum is reached, and also reads the raw bytes as a
// whole file, for the header checks. Whatever loads must predict, marshal
// back to the same bytes (version 2 with float32 weights; float64 weights
// load rounded to float32) and hold no more weights than the file had
// bytes for. Besides small models of every shape it starts from the model
// files of the releases that write containers (testdata/compat, v2 on).
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range fuzzModels(f) {
		data := seed.data
		body := data[headerLen : len(data)-4]
		if !bytes.Equal(modelFile(fileVersion, body), data) {
			f.Fatal("modelFile does not rebuild the file around its body")
		}
		f.Add(body, false)
		f.Add(data, false)
		f.Add(body[:len(body)/2], false)
		// version 1: the same body without the flags byte
		flagsAt := 1 + 4*(4+len(seed.cfg.Hidden))
		if !seed.cfg.Symmetric {
			old := append(append([]byte(nil), body[:flagsAt]...), body[flagsAt+1:]...)
			if _, _, err := unmarshal(modelFile(1, old)); err != nil {
				f.Fatalf("version 1 seed: %v", err)
			}
			f.Add(old, true)
		}
	}
	// The releases' files: one per decoder, symmetric and {0, 1} codes.
	for _, name := range []string{"dsnc.model", "dsnc.model.nearest", "dsnc-01.model.table"} {
		for _, data := range compat.Containers(f, name) {
			body := data[headerLen : len(data)-4]
			if !bytes.Equal(modelFile(fileVersion, body), data) {
				f.Fatalf("%s: modelFile does not rebuild the file around its body", name)
			}
			f.Add(body, false)
			f.Add(data, false)
		}
	}
	f.Add(craftedBody(), false)
	f.Add(hiddenCountBody(), false)
	f.Add([]byte(fileMagic), false)
	f.Add([]byte{}, false)
	f.Fuzz(func(t *testing.T, body []byte, v1 bool) {
		if len(body) > 1<<16 {
			return
		}
		version := uint32(fileVersion)
		if v1 {
			version = 1
		}
		checkUnmarshal(t, body, 0)
		checkUnmarshal(t, modelFile(version, body), version)
	})
}

// checkUnmarshal decodes data as a model file; when it loads, the model
// must fit in data, predict, and (version 2) marshal back to data.
func checkUnmarshal(t *testing.T, data []byte, version uint32) {
	t.Helper()
	m, dec, err := unmarshal(data)
	if err != nil {
		var back Model
		if err2 := back.unmarshalBinary(data); err2 == nil {
			t.Fatalf("unmarshal fails (%v) but Unmarshal loads", err)
		}
		return
	}
	c, _, err := dsnccore.Unmarshal(data)
	if err != nil {
		t.Fatalf("unmarshal loads, dsnccore.Unmarshal fails: %v", err)
	}
	size := 4
	if c.Float64 {
		size = 8
	}
	if m.Params() > len(data)/size {
		t.Fatalf("%d weights of %d bytes from %d bytes", m.Params(), size, len(data))
	}
	// A table of 2^Bits entries is built in O(2^Bits·Classes): bound the
	// work per input, not what the format allows.
	if dec.Kind == TableDecoding && m.Config.Bits > 12 {
		return
	}
	p, err := predictorOf(m, dec)
	if err != nil {
		return
	}
	x := make([]float32, m.Config.Features)
	if _, err := p.Predict(x); err != nil {
		t.Fatal(err)
	}
	if version == fileVersion && !c.Float64 {
		out, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("marshal after unmarshal gives %d different bytes", len(out))
		}
	}
}

// TestSaveKeepsMode checks that saving over a model file keeps the file's
// mode, and that a new file is 0644.
func TestSaveKeepsMode(t *testing.T) {
	m, err := newModel(Config{Features: 3, Bits: 4, Classes: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.dsnc")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: mode %v, %v; want 0644", fi.Mode().Perm(), err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("saved over: mode %v, %v; want the file's 0640", fi.Mode().Perm(), err)
	}
}
