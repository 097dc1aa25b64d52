package dsnc

import (
	"fmt"
	"os"

	"github.com/labelcode/labelcode/internal/atomicfile"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// The file format is the graph-free core's (internal/dsnccore/file.go):
// magic "DSNCMODL", version, body length, body (configuration, weights,
// training codes, decoder choice), CRC-32C. Version 1 (no flags byte) is
// still read; files are written in version 2.

var (
	// ErrFormat reports data that is not a DSNC model file (wrong magic).
	ErrFormat = dsnccore.ErrFormat
	// ErrVersion reports a DSNC model file of a version this package does
	// not read.
	ErrVersion = dsnccore.ErrVersion
	// ErrTruncated reports a model file that ends early.
	ErrTruncated = dsnccore.ErrTruncated
	// ErrCorrupt reports a model file whose checksum or content is wrong.
	ErrCorrupt = dsnccore.ErrCorrupt
)

// MarshalBinary encodes the model (configuration, weights, training codes)
// in the versioned file format; the decoding recorded is Linear.
func (m *Model) MarshalBinary() ([]byte, error) { return marshal(m, Decoding{}) }

// UnmarshalBinary replaces m with the model encoded in data. It returns
// ErrFormat, ErrVersion, ErrTruncated or ErrCorrupt (wrapped) for data that
// is not a valid model file of version 1 or 2.//
// Decoding allocates no more than about twice len(data): every size in
// the data (the number of hidden layers, each layer's In×Out weights, the
// number of training codes) is checked, without overflow, against the
// bytes that remain before the slice it sizes is made. A size the data
// cannot hold, or a width above MaxDim, is ErrCorrupt wrapping ErrTooLarge.
// The decoded model's Config.MaxWeights is 0 unless it has more than
// DefaultMaxWeights weights, in which case it is set to that count (the
// data held them, so the model is kept valid).
func (m *Model) UnmarshalBinary(data []byte) error {
	nm, _, err := unmarshal(data)
	if err != nil {
		return err
	}
	*m = *nm
	return nil
}

// Save writes the model to path through a temporary file in the same
// directory, renamed over path once complete, so a reader never sees a
// partial file. Saving over an existing file keeps its mode; a new file
// gets 0644.
func (m *Model) Save(path string) error {
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// Load reads a model saved by Model.Save or Predictor.Save. It returns
// ErrFormat, ErrVersion, ErrTruncated or ErrCorrupt (wrapped) for a file
// that is not a valid model file of version 1 or 2 (version 1, written
// before Config.Symmetric existed, loads with Symmetric false), and the
// errors of os.ReadFile.
//
// Load reads the whole file, then allocates no more than about twice its
// size: each size in the file is checked against the bytes that remain,
// as UnmarshalBinary describes, and one the file cannot hold is
// ErrCorrupt wrapping ErrTooLarge.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, _, err := unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// writeFileAtomic writes data to path through a synced temporary file
// renamed over it.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0)
}

func marshal(m *Model, dec Decoding) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return dsnccore.Marshal(m.core(), dec.core())
}

func unmarshal(data []byte) (*Model, Decoding, error) {
	c, dec, err := dsnccore.Unmarshal(data)
	if err != nil {
		return nil, Decoding{}, err
	}
	return modelOf(c), decodingOf(dec), nil
}

// readFile reads a model file for LoadPredictor, its error prefixed with
// the package name.
func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
