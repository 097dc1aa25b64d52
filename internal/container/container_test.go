package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/internal/compat"
)

// kinds are every kind this release defines.
var kinds = []Kind{DSNCModel, LMEnsemble, LMSite, LMMultiHead, HammingLinear, HammingMultiIndex, HammingTable, GlyphCache}

func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range kinds {
		require.True(t, k.Known(), "%d", k)
		name := k.String()
		require.NotContains(t, name, "unknown")
		require.False(t, seen[name], "%q twice", name)
		seen[name] = true
	}
	require.Equal(t, "Hamming table", HammingTable.String())
	require.Equal(t, "DSNC model", DSNCModel.String())
	for _, k := range []Kind{0, GlyphCache + 1, math.MaxUint16} {
		require.False(t, k.Known())
		require.Contains(t, k.String(), "unknown kind")
	}
}

func TestSealLayout(t *testing.T) {
	body := []byte("hello")
	got := Seal(HammingTable, 3, body)
	require.Len(t, got, Overhead+len(body))
	require.Equal(t, Magic, string(got[:8]))
	require.Equal(t, uint16(HammingTable), binary.LittleEndian.Uint16(got[8:]))
	require.Equal(t, uint16(3), binary.LittleEndian.Uint16(got[10:]))
	require.Equal(t, uint64(len(body)), binary.LittleEndian.Uint64(got[12:]))
	require.Equal(t, body, got[HeaderLen:HeaderLen+len(body)])
	// Finish over a reserved buffer gives the same bytes.
	buf := append(Reserve(len(body)), body...)
	require.Equal(t, got, Finish(buf, HammingTable, 3))
	require.Panics(t, func() { Finish(nil, DSNCModel, 1) })
}

func TestRoundTrip(t *testing.T) {
	for _, k := range kinds {
		for _, body := range [][]byte{nil, {0}, bytes.Repeat([]byte{0xa5}, 1000)} {
			data := Seal(k, 2, body)
			v, got, err := Open(data, k, 2)
			require.NoError(t, err, "%v", k)
			require.Equal(t, uint16(2), v)
			require.Equal(t, len(body), len(got))
			require.True(t, bytes.Equal(body, got))
			if len(got) > 0 {
				require.Same(t, &data[HeaderLen], &got[0], "the body aliases the data")
			}
			pk, ok := Peek(data)
			require.True(t, ok)
			require.Equal(t, k, pk)
		}
	}
}

func TestPeek(t *testing.T) {
	data := Seal(LMSite, 1, []byte("x"))
	for n := range len(Magic) + 2 {
		_, ok := Peek(data[:n])
		require.False(t, ok, "%d bytes", n)
	}
	k, ok := Peek(data[:len(Magic)+2])
	require.True(t, ok)
	require.Equal(t, LMSite, k)
	_, ok = Peek([]byte("DSNCMODL\x02\x00\x00\x00"))
	require.False(t, ok)
	require.True(t, HasMagic(data[:3]))
	require.True(t, HasMagic(data))
	require.False(t, HasMagic(nil))
	require.False(t, HasMagic([]byte("LABELMAP")))
}

// TestErrors checks each refusal and its sentinel.
func TestErrors(t *testing.T) {
	good := Seal(DSNCModel, 2, []byte("some body bytes"))
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":        {nil, ErrFormat},
		"junk":         {[]byte("not a model file at all, no"), ErrFormat},
		"legacy magic": {append([]byte("DSNCMODL"), good[8:]...), ErrFormat},
		"magic only":   {[]byte(Magic), ErrTruncated},
		"header only":  {good[:HeaderLen], ErrTruncated},
		"short body":   {good[:len(good)-5], ErrTruncated},
		"trailing":     {append(slices.Clone(good), 0), ErrFormat},
		"kind":         {Seal(HammingTable, 2, []byte("some body bytes")), ErrKind},
		"version 0":    {Seal(DSNCModel, 0, nil), ErrVersion},
		"version 3":    {Seal(DSNCModel, 3, nil), ErrVersion},
		"checksum":     {func() []byte { b := slices.Clone(good); b[len(b)-1] ^= 1; return b }(), ErrChecksum},
	}
	for name, c := range cases {
		_, body, err := Open(c.data, DSNCModel, 2)
		require.ErrorIs(t, err, c.want, name)
		require.Nil(t, body, name)
	}
	_, _, err := Open(Seal(HammingTable, 1, nil), DSNCModel, 2)
	require.EqualError(t, err, "labelcode: model file of another kind: file holds a Hamming table, not a DSNC model")
	require.ErrorIs(t, ErrTruncated, ErrFormat)
	require.ErrorIs(t, ErrChecksum, ErrFormat)
	require.NotErrorIs(t, ErrVersion, ErrFormat)
	require.NotErrorIs(t, ErrKind, ErrFormat)
}

// TestHugeLength checks that length fields near the uint64 range are
// refused without overflow.
func TestHugeLength(t *testing.T) {
	for _, n := range []uint64{math.MaxUint64, math.MaxUint64 - uint64(HeaderLen), math.MaxInt64, 1 << 63, math.MaxUint64 - uint64(Overhead) + 1} {
		data := Seal(LMEnsemble, 1, []byte("abc"))
		binary.LittleEndian.PutUint64(data[12:], n)
		_, _, err := Open(data, LMEnsemble, 1)
		require.ErrorIs(t, err, ErrTruncated, "%d", n)
	}
}

// TestDamage checks that every truncation of a sealed file and every
// single-bit flip in it is refused: ErrFormat, or ErrKind and ErrVersion
// for a bit of those fields.
func TestDamage(t *testing.T) {
	for _, k := range kinds {
		data := Seal(k, 1, []byte("a body of a few bytes"))
		for n := range len(data) {
			_, _, err := Open(data[:n], k, 1)
			want := ErrTruncated
			if n == 0 {
				want = ErrFormat // nothing says it was a container
			}
			require.ErrorIs(t, err, want, "%v, %d of %d bytes", k, n, len(data))
		}
		for i := range len(data) {
			for bit := range 8 {
				bad := slices.Clone(data)
				bad[i] ^= 1 << bit
				_, _, err := Open(bad, k, 1)
				switch {
				case i >= 8 && i < 10:
					require.ErrorIs(t, err, ErrKind, "%v, byte %d bit %d", k, i, bit)
				case i >= 10 && i < 12:
					require.ErrorIs(t, err, ErrVersion, "%v, byte %d bit %d", k, i, bit)
				default:
					require.ErrorIs(t, err, ErrFormat, "%v, byte %d bit %d", k, i, bit)
				}
			}
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.bin")
	data := Seal(HammingLinear, 1, []byte("abc"))
	require.NoError(t, WriteFile(path, data))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, data, got)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	// An existing file keeps its mode.
	require.NoError(t, os.Chmod(path, 0o600))
	require.NoError(t, WriteFile(path, Seal(HammingLinear, 1, nil)))
	fi, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, ents, 1, "no temporary file left")
	require.Error(t, WriteFile(filepath.Join(dir, "missing", "m.bin"), data))
}

// FuzzOpen checks that Open either refuses data with one of its sentinels
// or returns a body whose container, sealed again, is the input. The
// seeds include the model and index files of the releases that write
// containers (testdata/compat, v2 on), one of each kind they hold.
func FuzzOpen(f *testing.F) {
	for _, k := range kinds {
		f.Add(Seal(k, 1, []byte("body")), uint16(1))
		f.Add(Seal(k, 2, nil), uint16(3))
	}
	for _, name := range []string{"dsnc.model", "ensemble.lm", "site1.lm", "multihead.lm", "linear.hamming", "multiindex.hamming", "table.hamming"} {
		for _, data := range compat.Containers(f, name) {
			k, ok := Peek(data)
			if !ok {
				f.Fatalf("%s is not a container", name)
			}
			v, _, err := Open(data, k, math.MaxUint16)
			if err != nil {
				f.Fatalf("%s: %v", name, err)
			}
			f.Add(data, v)
		}
	}
	f.Add([]byte(Magic), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, maxVersion uint16) {
		kind, ok := Peek(data)
		if !ok {
			kind = DSNCModel
		}
		v, body, err := Open(data, kind, maxVersion)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrKind) {
				t.Fatalf("undocumented error %v", err)
			}
			if body != nil || v != 0 {
				t.Fatalf("error %v with version %d and a body", err, v)
			}
			return
		}
		if v == 0 || v > maxVersion {
			t.Fatalf("version %d accepted, max %d", v, maxVersion)
		}
		if again := Seal(kind, v, body); !bytes.Equal(again, data) {
			t.Fatalf("resealed body differs from the input")
		}
		// Another kind is always refused.
		if _, _, err := Open(data, kind+1, maxVersion); !errors.Is(err, ErrKind) {
			t.Fatalf("kind %v opened as %v: %v", kind, kind+1, err)
		}
	})
}
