package dsnc

import (
	"context"
	"fmt"
	"os"

	"gonum.org/v1/gonum/mat"

	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
)

func newLabeler(m *Model, dec Decoding) (labeler, error) {
	newLinear := func() (*decode.Linear, error) {
		w, b := m.Decoder.W.Data(), m.Decoder.B.Data()
		lin, err := decode.NewLinear(mat.NewDense(m.Config.Bits, m.Config.Classes, toFloat64(w)).T(), toFloat64(b))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNonFinite, err)
		}
		return lin, nil
	}
	needCodes := dec.Kind == NearestDecoding || (dec.Kind == TableDecoding && dec.TableOf == NearestDecoding)
	if needCodes && len(m.CodeLabels) == 0 {
		return nil, fmt.Errorf("%w: %v decoding needs the training codes", ErrNotFitted, dec.Kind)
	}
	switch dec.Kind {
	case LinearDecoding:
		lin, err := newLinear()
		if err != nil {
			return nil, err
		}
		return linearLabeler{lin}, nil
	case NearestDecoding:
		mi, err := hamming.NewMultiIndex(m.Config.Bits, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if _, err := mi.AddPacked(m.Codes); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrShape, err)
		}
		if err := mi.Build(context.Background(), nil); err != nil {
			return nil, err
		}
		nn, err := decode.NewHammingNN(mi, m.CodeLabels, m.Config.Classes, max(dec.Neighbors, 1))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrShape, err)
		}
		return nearestLabeler{nn}, nil
	case TableDecoding:
		if m.Config.Bits > MaxTableBits {
			return nil, fmt.Errorf("%w: table decoding of %d-bit codes, at most %d", ErrConfig, m.Config.Bits, MaxTableBits)
		}
		var t *decode.Table
		if dec.TableOf == NearestDecoding {
			idx, err := hamming.NewTable(m.Config.Bits)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
			if _, err := idx.AddPacked(m.Codes); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrShape, err)
			}
			if t, err = decode.NewTableFromIndex(context.Background(), idx, m.CodeLabels, m.Config.Classes); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrShape, err)
			}
		} else {
			lin, err := newLinear()
			if err != nil {
				return nil, err
			}
			if t, err = decode.NewTableFromLinear(context.Background(), lin, nil); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
		}
		return tableLabeler{t}, nil
	}
	return nil, fmt.Errorf("%w: decoder kind %d", ErrConfig, dec.Kind)
}

// linearLabeler calls decode.Linear.TopK with a reused dst, which (unlike
// Decode, whose result buffer escapes) allocates nothing.
type linearLabeler struct{ d *decode.Linear }

func (l linearLabeler) label(code []uint64, s *scratch) (int, error) {
	r, err := l.d.TopK(code, 1, s.top[:0])
	if err != nil {
		return 0, err
	}
	s.top = r
	return r[0].Label, nil
}

// nearestLabeler is decode.HammingNN over a hamming.MultiIndex.
type nearestLabeler struct{ d *decode.HammingNN }

func (l nearestLabeler) label(code []uint64, _ *scratch) (int, error) {
	v, err := l.d.Decode(code)
	return v.Label, err
}

// tableLabeler is a decode.Table: one lookup per code.
type tableLabeler struct{ t *decode.Table }

func (l tableLabeler) label(code []uint64, _ *scratch) (int, error) { return l.t.Decode(code) }

func toFloat64(d any) []float64 {
	switch v := d.(type) {
	case []float64:
		return append([]float64(nil), v...)
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	panic(fmt.Sprintf("dsnc: unsupported weight type %T", d))
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
