package dsnc

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

func requireSameModel(t *testing.T, a, b *Model) {
	t.Helper()
	require.Equal(t, a.Config, b.Config)
	require.Equal(t, a.Dtype, b.Dtype)
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

	// float64, hidden layers, no training codes, bits beyond a word
	m64, err := NewModel(Config{Features: 5, Hidden: []int{4, 3}, Bits: 130, Classes: 6}, tensor.Float64, 4)
	require.NoError(t, err)
	b, err := m64.MarshalBinary()
	require.NoError(t, err)
	var back Model
	require.NoError(t, back.UnmarshalBinary(b))
	requireSameModel(t, m64, &back)

	// a predictor keeps its decoder choice and predicts the same
	p, err := NewPredictor(m, Decoding{Kind: NearestDecoding, Neighbors: 3})
	require.NoError(t, err)
	require.NoError(t, p.Save(path)) // over the existing file
	q, err := LoadPredictor(path)
	require.NoError(t, err)
	require.Equal(t, p.Decoding(), q.Decoding())
	requireSameModel(t, m, q.Model())
	want, err := p.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	have, err := q.PredictBatch(te.X, te.Len(), nil)
	require.NoError(t, err)
	require.Equal(t, want, have)

	pt, err := NewPredictor(m, Decoding{Kind: TableDecoding, TableOf: NearestDecoding})
	require.NoError(t, err)
	bt, err := pt.MarshalBinary()
	require.NoError(t, err)
	qt, err := UnmarshalPredictor(bt)
	require.NoError(t, err)
	require.Equal(t, pt.Decoding(), qt.Decoding())

	// Load reads a predictor file as a model; LoadPredictor reads a model
	// file with the linear decoder.
	got, err = Load(path)
	require.NoError(t, err)
	requireSameModel(t, m, got)
	require.NoError(t, m.Save(path))
	q, err = LoadPredictor(path)
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
	good, err := NewPredictor(m, Decoding{Kind: NearestDecoding})
	require.NoError(t, err)
	data, err := good.MarshalBinary()
	require.NoError(t, err)

	isSentinel := func(err error) bool {
		return errors.Is(err, ErrFormat) || errors.Is(err, ErrVersion) || errors.Is(err, ErrTruncated) || errors.Is(err, ErrCorrupt)
	}
	// every truncation
	for n := 0; n < len(data); n++ {
		_, err := UnmarshalPredictor(data[:n])
		require.True(t, errors.Is(err, ErrTruncated), "length %d: %v", n, err)
	}
	// every single-byte corruption is detected
	for i := 0; i < len(data); i++ {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x5a
		_, err := UnmarshalPredictor(bad)
		require.True(t, isSentinel(err), "byte %d: %v", i, err)
		if i >= headerLen {
			require.True(t, errors.Is(err, ErrCorrupt), "byte %d: %v", i, err)
		}
	}
	// another version
	v2 := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(v2[8:], 3)
	_, err = UnmarshalPredictor(v2)
	require.True(t, errors.Is(err, ErrVersion), "%v", err)
	// not a model file
	_, err = UnmarshalPredictor([]byte("hello, this is not a model"))
	require.True(t, errors.Is(err, ErrFormat), "%v", err)
	// trailing bytes
	_, err = UnmarshalPredictor(append(append([]byte(nil), data...), 0))
	require.True(t, errors.Is(err, ErrCorrupt), "%v", err)
	// a consistent checksum over inconsistent content: a label out of range
	bad := append([]byte(nil), data...)
	end := len(bad) - 4
	labelsEnd := end - 6 // decoding kind, neighbours and table source follow the labels
	binary.LittleEndian.PutUint32(bad[labelsEnd-4:], 999)
	binary.LittleEndian.PutUint32(bad[end:], crc32.Checksum(bad[:end], castagnoli))
	_, err = UnmarshalPredictor(bad)
	require.True(t, errors.Is(err, ErrCorrupt), "%v", err)

	dir := t.TempDir()
	path := filepath.Join(dir, "cut.dsnc")
	require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o644))
	_, err = Load(path)
	require.True(t, errors.Is(err, ErrTruncated), "%v", err)
	_, err = LoadPredictor(path)
	require.True(t, errors.Is(err, ErrTruncated), "%v", err)
}

func FuzzUnmarshal(f *testing.F) {
	m, err := NewModel(Config{Features: 3, Hidden: []int{2}, Bits: 9, Classes: 3}, tensor.Float32, 1)
	if err != nil {
		f.Fatal(err)
	}
	m.Codes, m.CodeLabels = []uint64{3, 7}, []int{0, 2}
	data, err := marshal(m, Decoding{Kind: NearestDecoding, Neighbors: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:30])
	f.Add([]byte(fileMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		p, err := UnmarshalPredictor(b)
		if err != nil {
			return
		}
		// whatever loads must predict without panicking
		x := make([]float32, p.Model().Config.Features)
		if _, err := p.Predict(x); err != nil {
			t.Fatal(err)
		}
	})
}
