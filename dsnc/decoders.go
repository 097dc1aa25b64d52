package dsnc

import (
	"context"
	"fmt"
	"os"

	"github.com/labelcode/labelcode/hamming"
)

// labelScratch holds a labeler's per-call buffers.
type labelScratch struct {
	scores []float32
	nb     []hamming.Neighbor
	votes  []vote
}

type vote struct{ label, count, first int }

func newLabeler(m *Model, dec Decoding) (labeler, error) {
	switch dec.Kind {
	case LinearDecoding:
		return linearLabeler{newLinearDecoder(m)}, nil
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

type linearLabeler struct{ d *linearDecoder }

func (l linearLabeler) label(code []uint64, s *scratch) int {
	s.lab.scores = grow(s.lab.scores, l.d.classes)
	return l.d.argmax(code, s.lab.scores)
}

type tableLabeler struct {
	t      *hamming.Table
	labels []int
}

func (l tableLabeler) label(code []uint64, s *scratch) int {
	id, _ := l.t.Lookup(code[0])
	return l.labels[id]
}

type nearestLabeler struct {
	idx    hamming.Index
	labels []int
	k      int
}

// label returns the majority label of the k nearest codes; ties go to the
// label whose first vote came from the nearer code.
func (l nearestLabeler) label(code []uint64, s *scratch) int {
	s.lab.nb = l.idx.Search(code, l.k, s.lab.nb)
	if len(s.lab.nb) == 1 || l.k == 1 {
		return l.labels[s.lab.nb[0].ID]
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
	return v[best].label
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dsnc: %w", err)
	}
	return b, nil
}
