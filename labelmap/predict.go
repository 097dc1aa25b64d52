package labelmap

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

// siteScorer is what Ensemble and MultiHead plug into the shared
// prediction code: per-site log-probabilities for one row or a chunk.
type siteScorer interface {
	// scoreRow fills sc.logp (nil for a missing site) for row x.
	scoreRow(x []float32, sc *scratch) error
	// scoreChunk fills sc.batch[i] with rows×SiteClasses(i) log-probabilities
	// (nil for a missing site) for the rows of x.
	scoreChunk(x []float32, rows int, sc *scratch) error
	// parallelChunks reports whether scoreChunk already runs on all cores
	// (one BLAS matrix product per layer), so that batch prediction should
	// score chunks one at a time and spread only the decoding.
	parallelChunks() bool
}

var (
	_ siteScorer = (*Ensemble)(nil)
	_ siteScorer = (*netScorer)(nil)
)

// decoder holds the mapping, its max-product decoder and a pool of
// per-goroutine scratch space.
type decoder struct {
	m    codes.Mapping
	dec  *decode.MaxProduct
	pool sync.Pool
}

type scratch struct {
	site  [][]float64 // per-site row buffers
	logp  [][]float64 // per-site views handed to the decoder, nil = missing
	batch [][]float64 // per-site chunk buffers
	ws    nn.Workspace
	f32   []float32
	code  []int
}

func newDecoder(m codes.Mapping) (*decoder, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil mapping", ErrOption)
	}
	dec, err := decode.NewMaxProduct(m)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return &decoder{m: m, dec: dec}, nil
}

func (d *decoder) get() *scratch {
	if s, ok := d.pool.Get().(*scratch); ok {
		return s
	}
	n := d.m.Sites()
	return &scratch{site: make([][]float64, n), logp: make([][]float64, n), batch: make([][]float64, n)}
}

func (d *decoder) put(s *scratch) { d.pool.Put(s) }

// checkScores validates a learner's output for site i.
func checkScores(site int, v []float64, q int) error {
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

func (d *decoder) predict(s siteScorer, x []float32) (decode.Scored, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.scoreRow(x, sc); err != nil {
		return decode.Scored{}, err
	}
	r, err := d.dec.Decode(sc.logp)
	if err != nil {
		return r, fmt.Errorf("labelmap: %w", err)
	}
	return r, nil
}

func (d *decoder) topK(s siteScorer, x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.scoreRow(x, sc); err != nil {
		return dst[:0], err
	}
	out, err := d.dec.TopK(sc.logp, k, dst)
	if err != nil {
		return out, fmt.Errorf("labelmap: %w", err)
	}
	return out, nil
}

func (d *decoder) logScores(s siteScorer, x []float32, dst [][]float64) ([][]float64, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.scoreRow(x, sc); err != nil {
		return dst, err
	}
	n := d.m.Sites()
	if cap(dst) < n {
		dst = make([][]float64, n)
	}
	dst = dst[:n]
	for i, v := range sc.logp {
		if v == nil {
			dst[i] = nil
			continue
		}
		dst[i] = append(dst[i][:0], v...)
	}
	return dst, nil
}

func (d *decoder) logScore(s siteScorer, x []float32, label int) (float64, error) {
	sc := d.get()
	defer d.put(sc)
	if err := s.scoreRow(x, sc); err != nil {
		return 0, err
	}
	var err error
	if sc.code, err = d.m.Encode(label, sc.code); err != nil {
		return 0, fmt.Errorf("labelmap: %w", err)
	}
	var total float64
	for i, v := range sc.logp {
		if v != nil {
			total += v[sc.code[i]]
		}
	}
	return total, nil
}

// chunkRows is the number of rows scored at once by batch prediction.
const chunkRows = 128

// predictBatch decodes rows rows of width width. When the scorer runs on
// all cores by itself (networks: their matrix products are parallel) it
// scores chunks of up to 256 rows one after the other, each followed by
// the decoding of its rows split over GOMAXPROCS goroutines: measured with
// OpenBLAS, scoring two chunks at once on two goroutines was up to 1.4
// times slower (the BLAS threads of the two calls compete). Otherwise
// (learners that score one row at a time) the rows are split over
// GOMAXPROCS goroutines in contiguous ranges.
func (d *decoder) predictBatch(s siteScorer, x []float32, rows, width int, dst []int) ([]int, error) {
	if size, ok := limits.Mul(rows, width); !ok || len(x) != size {
		return dst, fmt.Errorf("%w: %d values for %d rows of %d features", ErrInput, len(x), rows, width)
	}
	if cap(dst) < rows {
		dst = make([]int, rows)
	}
	dst = dst[:rows]
	if s.parallelChunks() {
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
func (d *decoder) predictChunks(s siteScorer, x []float32, rows, width int, dst []int) error {
	outs := 0
	for i := 0; i < d.m.Sites(); i++ {
		outs += d.m.SiteClasses(i)
	}
	chunk := min(256, max(32, (1<<21)/max(outs, 1)))
	sc := d.get()
	defer d.put(sc)
	for c := 0; c < rows; c += chunk {
		e := min(c+chunk, rows)
		if err := s.scoreChunk(x[c*width:e*width], e-c, sc); err != nil {
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
				errs[w] = d.decodeRows(sc.batch, c, lo, hi, ws, dst)
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
func (d *decoder) decodeRows(batch [][]float64, c, lo, hi int, ws *scratch, dst []int) error {
	for r := lo; r < hi; r++ {
		for i, b := range batch {
			if b == nil {
				ws.logp[i] = nil
				continue
			}
			q := d.m.SiteClasses(i)
			ws.logp[i] = b[(r-c)*q : (r-c+1)*q]
		}
		res, err := d.dec.Decode(ws.logp)
		if err != nil {
			return fmt.Errorf("labelmap: row %d: %w", r, err)
		}
		dst[r] = res.Label
	}
	return nil
}

func (d *decoder) predictRange(s siteScorer, x []float32, lo, hi, width int, dst []int) error {
	sc := d.get()
	defer d.put(sc)
	for c := lo; c < hi; c += chunkRows {
		e := min(c+chunkRows, hi)
		if err := s.scoreChunk(x[c*width:e*width], e-c, sc); err != nil {
			return err
		}
		if err := d.decodeRows(sc.batch, c, c, e, sc, dst); err != nil {
			return err
		}
	}
	return nil
}
