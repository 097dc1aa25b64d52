package dsnc

import (
	"context"
	"fmt"
	"os"

	"gonum.org/v1/gonum/mat"

	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/hamming"
)

// labelScratch holds a labeler's per-call buffers.
type labelScratch struct {
	nb    []hamming.Neighbor
	top   []decode.Scored
	votes []vote
}

type vote struct{ label, count, first int }

func newLabeler(m *Model, dec Decoding) (labeler, error) {
	switch dec.Kind {
	case LinearDecoding:
		w, b := m.Decoder.W.Data(), m.Decoder.B.Data()
		lin, err := decode.NewLinear(mat.NewDense(m.Config.Bits, m.Config.Classes, toFloat64(w)).T(), toFloat64(b))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNonFinite, err)
		}
		return linearLabeler{lin}, nil
	case NearestDecoding, TableDecoding:
		if len(m.CodeLabels) == 0 {
			return nil, fmt.Errorf("%w: %v decoding needs the training codes", ErrNotFitted, dec.Kind)
		}
		var idx hamming.Index
		if dec.Kind == TableDecoding {
			if m.Config.Bits > MaxTableBits {
				return nil, fmt.Errorf("%w: table decoding of %d-bit codes, at most %d", ErrConfig, m.Config.Bits, MaxTableBits)
			}
			t, err := hamming.NewTable(m.Config.Bits)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrConfig, err)
			}
			if _, err := t.AddPacked(m.Codes); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrShape, err)
			}
			if err := t.Build(context.Background(), nil); err != nil {
				return nil, err
			}
			return tableLabeler{t: t, labels: m.CodeLabels}, nil
		}
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
		idx = mi
		return nearestLabeler{idx: idx, labels: m.CodeLabels, k: max(dec.Neighbors, 1)}, nil
	}
	return nil, fmt.Errorf("%w: decoder kind %d", ErrConfig, dec.Kind)
}

// CodeDecoder is a decoder of package decode for binary codes
// (decode.Linear, decode.HammingNN, decode.Table): the label of a packed
// code.
type CodeDecoder interface {
	Decode(code []uint64) (decode.Scored, error)
}

// linearLabeler calls decode.Linear.TopK with a reused dst, which (unlike
// Decode, whose result buffer escapes) allocates nothing.
type linearLabeler struct{ d *decode.Linear }

func (l linearLabeler) label(code []uint64, s *scratch) (int, error) {
	r, err := l.d.TopK(code, 1, s.lab.top[:0])
	if err != nil {
		return 0, err
	}
	s.lab.top = r
	return r[0].Label, nil
}

// decoderLabeler adapts a CodeDecoder.
type decoderLabeler struct{ d CodeDecoder }

func (l decoderLabeler) label(code []uint64, _ *scratch) (int, error) {
	r, err := l.d.Decode(code)
	return r.Label, err
}

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

type tableLabeler struct {
	t      *hamming.Table
	labels []int
}

func (l tableLabeler) label(code []uint64, s *scratch) (int, error) {
	id, _ := l.t.Lookup(code[0])
	return l.labels[id], nil
}

type nearestLabeler struct {
	idx    hamming.Index
	labels []int
	k      int
}

// label returns the majority label of the k nearest codes; ties go to the
// label whose first vote came from the nearer code.
func (l nearestLabeler) label(code []uint64, s *scratch) (int, error) {
	s.lab.nb = l.idx.Search(code, l.k, s.lab.nb)
	if len(s.lab.nb) == 1 || l.k == 1 {
		return l.labels[s.lab.nb[0].ID], nil
	}
	v := s.lab.votes[:0]
	for i, n := range s.lab.nb {
		y := l.labels[n.ID]
		found := false
		for j := range v {
			if v[j].label == y {
				v[j].count++
				found = true
				break
			}
		}
		if !found {
			v = append(v, vote{label: y, count: 1, first: i})
		}
	}
	best := 0
	for j := range v {
		if v[j].count > v[best].count || (v[j].count == v[best].count && v[j].first < v[best].first) {
			best = j
		}
	}
	s.lab.votes = v
	return v[best].label, nil
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
