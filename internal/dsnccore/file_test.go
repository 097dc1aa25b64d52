package dsnccore

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/container"
)

// sealed returns the container holding the body of a file of the earlier
// frame, with its version.
func sealed(legacy []byte) []byte {
	v := binary.LittleEndian.Uint32(legacy[8:])
	return container.Seal(container.DSNCModel, uint16(v), legacy[headerLen:len(legacy)-4])
}

// TestContainerFile checks that a container loads as the same model as
// the file of the earlier frame around the same body, for both versions.
func TestContainerFile(t *testing.T) {
	for _, name := range []string{"dsnc.model", "dsnc.model.table", "dsnc-01.model", "dsnc-01.model.nearest"} {
		legacy := compat.Read(t, "v1", name)
		want, wdec, err := Unmarshal(legacy)
		require.NoError(t, err, name)
		got, gdec, err := Unmarshal(sealed(legacy))
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
		require.Equal(t, wdec, gdec, name)
		// Marshal writes a container.
		again, err := Marshal(got, gdec)
		require.NoError(t, err)
		k, ok := container.Peek(again)
		require.True(t, ok)
		require.Equal(t, container.DSNCModel, k)
		back, bdec, err := Unmarshal(again)
		require.NoError(t, err)
		require.Equal(t, got, back)
		require.Equal(t, gdec, bdec)
		// The releases that write containers wrote this model in one; it
		// loads, and marshals again to the release's bytes.
		for _, data := range compat.Containers(t, name) {
			c, dec, err := Unmarshal(data)
			require.NoError(t, err, name)
			again, err := Marshal(c, dec)
			require.NoError(t, err, name)
			require.Equal(t, data, again, name)
		}
	}
}

// TestContainerErrors checks every truncation and every bit flip of a
// container model file (the v1 body sealed, and the files of the releases
// that write containers), and the errors of each header field.
func TestContainerErrors(t *testing.T) {
	for _, data := range append([][]byte{sealed(compat.Read(t, "v1", "dsnc.model"))}, compat.Containers(t, "dsnc.model")...) {
		checkDamage(t, data)
	}
	_, _, err := Unmarshal(container.Seal(container.HammingTable, 1, nil))
	require.ErrorIs(t, err, ErrFormat)
	require.ErrorContains(t, err, "file holds a Hamming table, not a DSNC model")
	_, _, err = Unmarshal(container.Seal(container.DSNCModel, FileVersion+1, nil))
	require.ErrorIs(t, err, ErrVersion)
	// A valid container around a bad body.
	_, _, err = Unmarshal(container.Seal(container.DSNCModel, FileVersion, []byte{4, 1, 2, 3}))
	require.ErrorIs(t, err, ErrCorrupt)
}

// checkDamage checks every truncation and every bit flip of the container
// model file data, and a byte too many.
func checkDamage(t *testing.T, data []byte) {
	t.Helper()
	for n := range len(data) {
		_, _, err := Unmarshal(data[:n])
		require.ErrorIs(t, err, ErrTruncated, "%d of %d bytes", n, len(data))
		if n > 0 {
			require.ErrorIs(t, err, container.ErrTruncated, "%d of %d bytes", n, len(data))
		}
	}
	for i := range data {
		for bit := range 8 {
			bad := slices.Clone(data)
			bad[i] ^= 1 << bit
			_, _, err := Unmarshal(bad)
			switch {
			case i < len(container.Magic):
				require.ErrorIs(t, err, ErrFormat, "byte %d bit %d", i, bit)
			case i < 10:
				require.ErrorIs(t, err, ErrFormat, "byte %d bit %d", i, bit)
				require.ErrorIs(t, err, container.ErrKind, "byte %d bit %d", i, bit)
			case i < 12:
				require.ErrorIs(t, err, ErrVersion, "byte %d bit %d", i, bit)
				require.ErrorIs(t, err, container.ErrVersion, "byte %d bit %d", i, bit)
			case i < container.HeaderLen: // the length
				require.True(t, errors.Is(err, ErrTruncated) || errors.Is(err, ErrCorrupt), "byte %d bit %d: %v", i, bit, err)
				require.ErrorIs(t, err, container.ErrFormat, "byte %d bit %d", i, bit)
			default:
				require.ErrorIs(t, err, ErrCorrupt, "byte %d bit %d", i, bit)
				require.ErrorIs(t, err, container.ErrChecksum, "byte %d bit %d", i, bit)
			}
		}
	}
	_, _, err := Unmarshal(append(slices.Clone(data), 0))
	require.ErrorIs(t, err, ErrCorrupt)
}
