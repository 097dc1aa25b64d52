package dsnc

import (
	"context"
	"fmt"
	"hash/crc32"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/dsnccore"
	"github.com/labelcode/labelcode/training"
)

// The file format's constants, for tests that craft files.
const (
	fileMagic   = dsnccore.FileMagic
	fileVersion = dsnccore.FileVersion
	headerLen   = 8 + 4 + 8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// newModel returns a model of the shape cfg with weights drawn from seed,
// as New with cfg's options, seed and Init would (Symmetric as cfg says).
func newModel(cfg Config, seed uint64) (*Model, error) {
	if err := cfg.core().Validate(); err != nil {
		return nil, err
	}
	c := defaults()
	c.Hidden, c.bits, c.symmetric, c.MaxWeights, c.Seed = append([]int(nil), cfg.Hidden...), cfg.Bits, cfg.Symmetric, cfg.MaxWeights, seed
	return c.draw(cfg.Features, cfg.Classes)
}

// predictorOf returns a copy of m (sharing its network and training
// codes) that predicts with dec.
func predictorOf(m *Model, dec Decoding) (*Model, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil model", ErrConfig)
	}
	n := &Model{Config: m.Config, Encoder: m.Encoder, Decoder: m.Decoder, Codes: m.Codes, CodeLabels: m.CodeLabels, opts: m.opts}
	if err := n.SetDecoder(dec); err != nil {
		return nil, err
	}
	return n, nil
}

// fit is New(opts...) then Fit; the model is returned after a cancellation
// too.
func fit(ctx context.Context, trn, val *labelcode.Dataset, opts ...Option) (*Model, *training.History, error) {
	m, err := New(opts...)
	if err != nil {
		return nil, nil, err
	}
	h, err := m.Fit(ctx, trn, val)
	return m, h, err
}

// unmarshalBinary replaces m with the model in data, read with the linear
// decoder (no decoder build for a crafted bit count).
func (m *Model) unmarshalBinary(data []byte) error {
	n, err := Unmarshal(data, WithDecoder(Decoding{}))
	if err != nil {
		return err
	}
	*m = *n
	return nil
}

// newEncoder returns the graph-free encoder of m.
func newEncoder(m *Model) (*dsnccore.Encoder, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return dsnccore.NewEncoder(m.core())
}

type workspace = dsnccore.Workspace

// f64 returns v widened to float64.
func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// unmarshal decodes a model file without building its decoder.
func unmarshal(data []byte) (*Model, Decoding, error) {
	c, dec, err := dsnccore.Unmarshal(data)
	if err != nil {
		return nil, Decoding{}, err
	}
	return modelOf(c), decodingOf(dec), nil
}
