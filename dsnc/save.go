package dsnc

import (
	"fmt"

	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// The file format is the module's one file container (magic, kind "DSNC
// model", version, body length, body, CRC-32C) around the graph-free
// core's body (internal/dsnccore/file.go: configuration, weights, training
// codes, decoder choice). The "DSNCMODL" files of the earlier release
// (versions 1 and 2) still load.

var (
	// ErrFormat reports data that is not a DSNC model file (the module's
	// file-format error: ErrTruncated and ErrCorrupt wrap it).
	ErrFormat = dsnccore.ErrFormat
	// ErrVersion reports a DSNC model file of a version this package does
	// not read.
	ErrVersion = dsnccore.ErrVersion
	// ErrTruncated reports a model file that ends early.
	ErrTruncated = dsnccore.ErrTruncated
	// ErrCorrupt reports a model file whose checksum or content is wrong.
	ErrCorrupt = dsnccore.ErrCorrupt
)

// MarshalBinary encodes the model (configuration, weights, training codes
// and decoder choice) in the versioned file format. It returns
// ErrNotFitted for a model without a network, and ErrShape or ErrNonFinite
// for inconsistent weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: MarshalBinary of a nil model", ErrConfig)
	}
	return marshal(m, m.opts.dec)
}

// Save writes MarshalBinary's encoding to path through a temporary file in
// the same directory, renamed over path once complete, so a reader never
// sees a partial file. Saving over an existing file keeps its mode; a new
// file gets 0644. Load and package infer read it back.
func (m *Model) Save(path string) error {
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return container.WriteFile(path, b)
}

// Load reads a model file written by Model.Save (or by any earlier release
// of this package) and returns a model ready to predict with the decoder
// of WithDecoder among opts, or else the decoder the file recorded. The
// model's network options (WithBits, WithHidden, WithSymmetricCodes) start
// from the file's shape; the other options take effect if the model is
// fitted again. It returns the errors of os.ReadFile, ErrConfig for a bad
// option, and Unmarshal's errors.
//
// Load reads the whole file, then allocates no more than about twice its
// size, as Unmarshal describes, before building the decoder.
func Load(path string, opts ...Option) (*Model, error) {
	return container.ReadFile(path, "dsnc", func(b []byte) (*Model, error) { return Unmarshal(b, opts...) })
}

// Unmarshal decodes data written by Model.MarshalBinary (files of
// versions 1 and 2; float64 weights load rounded to float32; version 1,
// written before Config.Symmetric existed, loads with Symmetric false) and
// returns a model ready to predict, as Load says. It returns ErrFormat,
// ErrVersion, ErrTruncated or ErrCorrupt (wrapped) for bad data, ErrConfig
// for a bad option, and the errors of building the decoder: ErrNotFitted
// for a nearest or table decoder on a model without training codes,
// ErrConfig for a table of more than MaxTableBits bits.
//
// Decoding allocates no more than about twice len(data): every size in
// the data (the number of hidden layers, each layer's In×Out weights, the
// number of training codes) is checked, without overflow, against the
// bytes that remain before the slice it sizes is made. A size the data
// cannot hold, or a width above MaxDim, is ErrCorrupt wrapping ErrTooLarge.
// The decoded model's Config.MaxWeights is 0 unless it has more than
// DefaultMaxWeights weights, in which case it is set to that count (the
// data held them, so the model is kept valid). Building the decoder then
// takes a few copies of the weights and what the decoder needs: at most
// 4·2^MaxTableBits bytes (64 MiB) for a table.
func Unmarshal(data []byte, opts ...Option) (*Model, error) {
	c, dec, err := dsnccore.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	m := modelOf(c)
	base := defaults()
	base.bits, base.Hidden, base.symmetric, base.MaxWeights = m.Config.Bits, append([]int(nil), m.Config.Hidden...), m.Config.Symmetric, m.Config.MaxWeights
	if m.opts, err = buildConfig(base, opts); err != nil {
		return nil, err
	}
	if !m.opts.decSet {
		m.opts.dec = decodingOf(dec)
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

func marshal(m *Model, dec Decoding) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return dsnccore.Marshal(m.core(), dec.core())
}
