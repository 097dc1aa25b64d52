package lmcore

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/nn"
)

// SiteScorer is what a model plugs into the shared prediction code:
// per-site log-probabilities for one row or a chunk.
type SiteScorer interface {
	// ScoreRow fills sc.LogP (nil for a missing site) for row x, using
	// sc.Site's buffers.
	ScoreRow(x []float32, sc *Scratch) error
	// ScoreChunk fills sc.Batch[i] with rows×SiteClasses(i)
	// log-probabilities (nil for a missing site) for the rows of x.
	ScoreChunk(x []float32, rows int, sc *Scratch) error
	// ParallelChunks reports whether ScoreChunk already runs on all cores
	// (one BLAS matrix product per layer), so that batch prediction should
	// score chunks one at a time and spread only the decoding.
	ParallelChunks() bool
}

var _ SiteScorer = (*NetScorer)(nil)

// Decoder holds the mapping, its max-product decoder and a pool of
// per-goroutine scratch space. It is safe for concurrent use.
type Decoder struct {
	m    codes.Mapping
	dec  *decode.MaxProduct
	pool sync.Pool
}

// Scratch is one goroutine's buffers.
type Scratch struct {
	Site  [][]float64 // per-site row buffers
	LogP  [][]float64 // per-site views handed to the decoder, nil = missing
	Batch [][]float64 // per-site chunk buffers
	ws    nn.Workspace
	f32   []float32
	code  []int
}

// NewDecoder returns the max-product decoder of m (limits.ErrConfig for nil).
func NewDecoder(m codes.Mapping) (*Decoder, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil mapping", limits.ErrConfig)
	}
	dec, err := decode.NewMaxProduct(m)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return &Decoder{m: m, dec: dec}, nil
}

func (d *Decoder) get() *Scratch {
	if s, ok := d.pool.Get().(*Scratch); ok {
		return s
	}
	n := d.m.Sites()
	return &Scratch{Site: make([][]float64, n), LogP: make([][]float64, n), Batch: make([][]float64, n)}
}

func (d *Decoder) put(s *Scratch) { d.pool.Put(s) }

// Mapping returns the decoder's mapping.
func (d *Decoder) Mapping() codes.Mapping { return d.m }

// CheckScores validates a learner's output for site i: q scores, none
// NaN or +Inf (ErrScoreCount, ErrNaNScore).
func CheckScores(site int, v []float64, q int) error {
	if len(v) != q {
		return fmt.Errorf("%w: site %d gave %d scores for an alphabet of %d", ErrScoreCount, site, len(v), q)
	}
	for j, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 1) {
			return fmt.Errorf("%w: site %d, symbol %d: %v", ErrNaNScore, site, j, x)
		}
	}
	return nil
}

// Predict returns the best label of row x and its joint log score.
func (d *Decoder) Predict(s SiteScorer, x []float32) (decode.Scored, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.ScoreRow(x, sc); err != nil {
		return decode.Scored{}, err
	}
	r, err := d.dec.Decode(sc.LogP)
	if err != nil {
		return r, fmt.Errorf("labelmap: %w", err)
	}
	return r, nil
}

// TopK writes the k best labels of row x into dst[:0], best first.
func (d *Decoder) TopK(s SiteScorer, x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.ScoreRow(x, sc); err != nil {
		return dst[:0], err
	}
	out, err := d.dec.TopK(sc.LogP, k, dst)
	if err != nil {
		return out, fmt.Errorf("labelmap: %w", err)
	}
	return out, nil
}

// LogScores copies the per-site log-probabilities of row x into dst.
func (d *Decoder) LogScores(s SiteScorer, x []float32, dst [][]float64) ([][]float64, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.ScoreRow(x, sc); err != nil {
		return dst, err
	}
	n := d.m.Sites()
	if cap(dst) < n {
		dst = make([][]float64, n)
	}
	dst = dst[:n]
	for i, v := range sc.LogP {
		if v == nil {
			dst[i] = nil
			continue
		}
		dst[i] = append(dst[i][:0], v...)
	}
	return dst, nil
}

// LogScore returns the joint log score of label for row x.
func (d *Decoder) LogScore(s SiteScorer, x []float32, label int) (float64, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.ScoreRow(x, sc); err != nil {
		return 0, err
	}
	var err error
	if sc.code, err = d.m.Encode(label, sc.code); err != nil {
		return 0, fmt.Errorf("labelmap: %w", err)
	}
	var total float64
	for i, v := range sc.LogP {
		if v != nil {
			total += v[sc.code[i]]
		}
	}
	return total, nil
}

// chunkRows is the number of rows scored at once by batch prediction.
const chunkRows = 128

// PredictBatch decodes rows rows of width width. When the scorer runs on
// all cores by itself (networks: their matrix products are parallel) it
// scores chunks of up to 256 rows one after the other, each followed by
// the decoding of its rows split over GOMAXPROCS goroutines: measured with
// OpenBLAS, scoring two chunks at once on two goroutines was up to 1.4
// times slower (the BLAS threads of the two calls compete). Otherwise
// (learners that score one row at a time) the rows are split over
// GOMAXPROCS goroutines in contiguous ranges.
func (d *Decoder) PredictBatch(s SiteScorer, x []float32, rows, width int, dst []int) ([]int, error) {
	if size, ok := limits.Mul(rows, width); !ok || len(x) != size {
		return dst, fmt.Errorf("%w: %d values for %d rows of %d features", limits.ErrInput, len(x), rows, width)
	}
	if cap(dst) < rows {
		dst = make([]int, rows)
	}
	dst = dst[:rows]
	if s.ParallelChunks() {
		return dst, d.predictChunks(s, x, rows, width, dst)
	}
	workers := min(runtime.GOMAXPROCS(0), (rows+chunkRows-1)/chunkRows)
	if workers <= 1 {
		return dst, d.predictRange(s, x, 0, rows, width, dst)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	per := (rows + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, rows)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = d.predictRange(s, x, lo, hi, width, dst)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// predictChunks is predictBatch for a scorer that is parallel by itself.
// A chunk holds at most 256 rows and at most 2^21 scores (16 MiB of
// float64), so that wide outputs (a one-hot code over 20,000 classes) do
// not need a huge buffer.
func (d *Decoder) predictChunks(s SiteScorer, x []float32, rows, width int, dst []int) error {
	outs := 0
	for i := 0; i < d.m.Sites(); i++ {
		outs += d.m.SiteClasses(i)
	}
	chunk := min(256, max(32, (1<<21)/max(outs, 1)))
	sc := d.get()
	defer d.put(sc)
	for c := 0; c < rows; c += chunk {
		e := min(c+chunk, rows)
		if err := s.ScoreChunk(x[c*width:e*width], e-c, sc); err != nil {
			return err
		}
		workers := min(runtime.GOMAXPROCS(0), (e-c+31)/32)
		errs := make([]error, workers)
		per := (e - c + workers - 1) / workers
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			lo, hi := c+w*per, min(c+(w+1)*per, e)
			if lo >= hi {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ws := d.get()
				defer d.put(ws)
				errs[w] = d.decodeRows(sc.Batch, c, lo, hi, ws, dst)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// decodeRows decodes rows [lo, hi) of a chunk starting at row c whose
// per-site scores are in batch, with ws's views.
func (d *Decoder) decodeRows(batch [][]float64, c, lo, hi int, ws *Scratch, dst []int) error {
	for r := lo; r < hi; r++ {
		for i, b := range batch {
			if b == nil {
				ws.LogP[i] = nil
				continue
			}
			q := d.m.SiteClasses(i)
			ws.LogP[i] = b[(r-c)*q : (r-c+1)*q]
		}
		res, err := d.dec.Decode(ws.LogP)
		if err != nil {
			return fmt.Errorf("labelmap: row %d: %w", r, err)
		}
		dst[r] = res.Label
	}
	return nil
}

func (d *Decoder) predictRange(s SiteScorer, x []float32, lo, hi, width int, dst []int) error {
	sc := d.get()
	defer d.put(sc)
	for c := lo; c < hi; c += chunkRows {
		e := min(c+chunkRows, hi)
		if err := s.ScoreChunk(x[c*width:e*width], e-c, sc); err != nil {
			return err
		}
		if err := d.decodeRows(sc.Batch, c, c, e, sc, dst); err != nil {
			return err
		}
	}
	return nil
}
