package labelmap

import (
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/lmcore"
)

// decoder is the graph-free core's max-product decoder (internal/lmcore,
// which package infer serves too) with the mapping at hand.
type decoder struct {
	m codes.Mapping
	d *lmcore.Decoder
}

// scratch is one goroutine's prediction buffers (the core's).
type scratch = lmcore.Scratch

func newDecoder(m codes.Mapping) (*decoder, error) {
	d, err := lmcore.NewDecoder(m)
	if err != nil {
		return nil, err
	}
	return &decoder{m: m, d: d}, nil
}

// checkScores validates a learner's output for site i.
func checkScores(site int, v []float64, q int) error { return lmcore.CheckScores(site, v, q) }

func (d *decoder) predict(s lmcore.SiteScorer, x []float32) (decode.Scored, error) {
	return d.d.Predict(s, x)
}

func (d *decoder) topK(s lmcore.SiteScorer, x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	return d.d.TopK(s, x, k, dst)
}

func (d *decoder) logScores(s lmcore.SiteScorer, x []float32, dst [][]float64) ([][]float64, error) {
	return d.d.LogScores(s, x, dst)
}

func (d *decoder) logScore(s lmcore.SiteScorer, x []float32, label int) (float64, error) {
	return d.d.LogScore(s, x, label)
}

func (d *decoder) predictBatch(s lmcore.SiteScorer, x []float32, rows, width int, dst []int) ([]int, error) {
	return d.d.PredictBatch(s, x, rows, width, dst)
}

// ensembleScorer plugs an Ensemble's learners into the core's decoder.
type ensembleScorer struct{ e *Ensemble }

var _ lmcore.SiteScorer = ensembleScorer{}

func (s ensembleScorer) ScoreRow(x []float32, sc *scratch) error { return s.e.scoreRow(x, sc) }
func (s ensembleScorer) ScoreChunk(x []float32, rows int, sc *scratch) error {
	return s.e.scoreChunk(x, rows, sc)
}
func (s ensembleScorer) ParallelChunks() bool { return s.e.parallelChunks() }
