package lmcore

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/container"
)

// sealed returns the container holding the body of a file of the earlier
// frame.
func sealed(legacy []byte) []byte {
	return container.Seal(containerKind(legacy[len(FileMagic)+2]), FileVersion, legacy[headerLen:len(legacy)-4])
}

// TestContainerFiles checks that containers load as the files of the
// earlier frame around the same bodies, and that Kind reads both, and the
// files of the releases that write containers.
func TestContainerFiles(t *testing.T) {
	for name, kind := range map[string]byte{"ensemble.lm": KindEnsemble, "onehot.lm": KindEnsemble, "site1.lm": KindSite, "multihead.lm": KindMultiHead} {
		legacy := compat.Read(t, "v1", name)
		data := sealed(legacy)
		for _, d := range append([][]byte{legacy, data}, compat.Containers(t, name)...) {
			k, ok := Kind(d)
			require.True(t, ok, name)
			require.Equal(t, kind, k, name)
		}
		switch kind {
		case KindEnsemble:
			sameParse(t, name, ParseEnsemble, legacy, data)
		case KindMultiHead:
			sameParse(t, name, ParseMultiHead, legacy, data)
		case KindSite:
			r, err := Open(data, KindSite)
			require.NoError(t, err, name)
			require.NotNil(t, r.Mapping())
			site := r.U32()
			lk, ld := r.Bytes(), r.Bytes()
			require.NoError(t, r.End())
			rl, err := Open(legacy, KindSite)
			require.NoError(t, err)
			require.NotNil(t, rl.Mapping())
			require.Equal(t, rl.U32(), site)
			require.Equal(t, rl.Bytes(), lk)
			require.Equal(t, rl.Bytes(), ld)
		}
		// Another kind is ErrCorrupt and the container's ErrKind.
		other := byte(KindSite)
		if kind == KindSite {
			other = KindEnsemble
		}
		for _, d := range [][]byte{legacy, data} {
			_, err := Open(d, other)
			require.ErrorIs(t, err, ErrCorrupt, name)
			require.ErrorIs(t, err, container.ErrKind, name)
		}
	}
	// Containers of other kinds are not labelmap files.
	for _, d := range [][]byte{container.Seal(container.DSNCModel, 1, nil), []byte(container.Magic), []byte("LABELMA")} {
		_, ok := Kind(d)
		require.False(t, ok)
	}
}

// sameParse checks that parse reads the same from the file of the earlier
// frame and from its container.
func sameParse[A, B any](t *testing.T, name string, parse func([]byte) (A, B, error), legacy, data []byte) {
	t.Helper()
	wa, wb, err := parse(legacy)
	require.NoError(t, err, name)
	ga, gb, err := parse(data)
	require.NoError(t, err, name)
	require.Equal(t, wa, ga, name)
	require.Equal(t, wb, gb, name)
}

// TestContainerDamage checks every truncation and every bit flip of a
// container, of a file of the earlier frame and of the files of the
// releases that write containers.
func TestContainerDamage(t *testing.T) {
	legacy := compat.Read(t, "v1", "multihead.lm")
	for _, data := range append([][]byte{legacy, sealed(legacy)}, compat.Containers(t, "multihead.lm")...) {
		for n := range len(data) {
			_, _, err := ParseMultiHead(data[:n])
			require.ErrorIs(t, err, ErrCorrupt, "%d of %d bytes", n, len(data))
			require.ErrorIs(t, err, container.ErrFormat, "%d of %d bytes", n, len(data))
		}
		for i := range data {
			for bit := range 8 {
				bad := slices.Clone(data)
				bad[i] ^= 1 << bit
				_, _, err := ParseMultiHead(bad)
				require.True(t, errors.Is(err, ErrCorrupt) || errors.Is(err, ErrVersion), "byte %d bit %d: %v", i, bit, err)
				require.True(t, errors.Is(err, container.ErrFormat) || errors.Is(err, container.ErrVersion) || errors.Is(err, container.ErrKind),
					"byte %d bit %d: %v", i, bit, err)
			}
		}
	}
	_, err := Open(container.Seal(container.LMSite, FileVersion+1, nil), KindSite)
	require.ErrorIs(t, err, ErrVersion)
	require.ErrorIs(t, err, container.ErrVersion)
	_, err = Open(container.Seal(container.LMSite, FileVersion, nil), 9)
	require.ErrorIs(t, err, ErrCorrupt)
	r, err := Open(container.Seal(container.LMSite, FileVersion, []byte{1}), KindSite)
	require.NoError(t, err)
	r.Mapping()
	require.ErrorIs(t, r.End(), ErrCorrupt)
}
