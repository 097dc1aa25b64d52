package lmcore

import (
	"fmt"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
)

// NetScorer scores the sites with one network whose heads are the sites
// (a shared-trunk model); a nil Net is limits.ErrNotFitted.
type NetScorer struct {
	Net *nn.Net
}

// ScoreRow implements SiteScorer with one forward pass.
func (s *NetScorer) ScoreRow(x []float32, sc *Scratch) error {
	if s.Net == nil {
		return limits.ErrNotFitted
	}
	if len(x) != s.Net.Spec.Inputs {
		return fmt.Errorf("%w: %d features, the model takes %d", limits.ErrInput, len(x), s.Net.Spec.Inputs)
	}
	sc.f32 = s.Net.Forward(x, &sc.ws, sc.f32)
	off := 0
	for i, q := range s.Net.Spec.Heads {
		sc.Site[i] = ToFloat64(sc.f32[off:off+q], sc.Site[i])
		sc.LogP[i] = sc.Site[i]
		off += q
	}
	return nil
}

// ScoreChunk implements SiteScorer with one batched forward pass.
func (s *NetScorer) ScoreChunk(x []float32, rows int, sc *Scratch) error {
	if s.Net == nil {
		return limits.ErrNotFitted
	}
	if len(x) != rows*s.Net.Spec.Inputs {
		return fmt.Errorf("%w: %d values for %d rows of %d features", limits.ErrInput, len(x), rows, s.Net.Spec.Inputs)
	}
	sc.f32 = s.Net.ForwardBatch(x, rows, &sc.ws, sc.f32)
	outs := s.Net.Spec.Outputs()
	off := 0
	for i, q := range s.Net.Spec.Heads {
		b := sc.Batch[i]
		if cap(b) < rows*q {
			b = make([]float64, rows*q)
		}
		b = b[:rows*q]
		for r := 0; r < rows; r++ {
			src := sc.f32[r*outs+off : r*outs+off+q]
			for j, v := range src {
				b[r*q+j] = float64(v)
			}
		}
		sc.Batch[i] = b
		off += q
	}
	return nil
}

// ParallelChunks implements SiteScorer: a network scores a chunk with one
// parallel matrix product per layer.
func (s *NetScorer) ParallelChunks() bool { return true }

// ToFloat64 widens src into dst (grown when short) and returns it.
func ToFloat64(src []float32, dst []float64) []float64 {
	if cap(dst) < len(src) {
		dst = make([]float64, len(src))
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float64(v)
	}
	return dst
}

// NetsScorer scores each site with its own single-head network (an
// ensemble of MLP learners; a nil entry is a missing site).
type NetsScorer struct {
	Nets []*nn.Net
}

var _ SiteScorer = (*NetsScorer)(nil)

// ScoreRow implements SiteScorer: one forward pass per present site.
func (s *NetsScorer) ScoreRow(x []float32, sc *Scratch) error {
	present := 0
	for i, n := range s.Nets {
		if n == nil {
			sc.LogP[i] = nil
			continue
		}
		if len(x) != n.Spec.Inputs {
			return fmt.Errorf("labelmap: site %d: %w: %d features, the model takes %d", i, limits.ErrInput, len(x), n.Spec.Inputs)
		}
		sc.f32 = n.Forward(x, &sc.ws, sc.f32)
		sc.Site[i] = ToFloat64(sc.f32, sc.Site[i])
		if err := CheckScores(i, sc.Site[i], n.Spec.Heads[0]); err != nil {
			return err
		}
		sc.LogP[i] = sc.Site[i]
		present++
	}
	if present == 0 {
		return fmt.Errorf("%w: no site has a learner", limits.ErrNotFitted)
	}
	return nil
}

// ScoreChunk implements SiteScorer: one batched forward pass per present
// site.
func (s *NetsScorer) ScoreChunk(x []float32, rows int, sc *Scratch) error {
	present := 0
	for i, n := range s.Nets {
		if n == nil {
			sc.Batch[i] = nil
			continue
		}
		if len(x) != rows*n.Spec.Inputs {
			return fmt.Errorf("labelmap: site %d: %w: %d values for %d rows of %d features", i, limits.ErrInput, len(x), rows, n.Spec.Inputs)
		}
		sc.f32 = n.ForwardBatch(x, rows, &sc.ws, sc.f32)
		sc.Batch[i] = ToFloat64(sc.f32, sc.Batch[i])
		q := n.Spec.Heads[0]
		for r := 0; r < rows; r++ {
			if err := CheckScores(i, sc.Batch[i][r*q:(r+1)*q], q); err != nil {
				return err
			}
		}
		present++
	}
	if present == 0 {
		return fmt.Errorf("%w: no site has a learner", limits.ErrNotFitted)
	}
	return nil
}

// ParallelChunks implements SiteScorer: networks score a chunk with
// parallel matrix products.
func (s *NetsScorer) ParallelChunks() bool { return true }
