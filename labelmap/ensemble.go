package labelmap

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/limits"
)

// LearnerFactory makes the untrained learner of a site. MLPFactory is the
// default; a factory must give the same learner for the same site wherever
// it is called, so that sites trained apart assemble into the same model.
type LearnerFactory func(site int) (Learner, error)

// Relabel returns the symbols of the labels y at every site of m:
// dst[i][r] = f_i(y[r]), the targets of site i's learner (LM paper,
// section IV). dst and its rows are reused when large enough. It returns
// ErrLabelRange (wrapped, naming the row) for a label outside [0, K).
// Cost O(len(y)·Sites()).
func Relabel(m codes.Mapping, y []int, dst [][]int) ([][]int, error) {
	n := m.Sites()
	if cap(dst) < n {
		dst = make([][]int, n)
	}
	dst = dst[:n]
	for i := range dst {
		if cap(dst[i]) < len(y) {
			dst[i] = make([]int, len(y))
		}
		dst[i] = dst[i][:len(y)]
	}
	code := make([]int, n)
	for r, label := range y {
		var err error
		if code, err = m.Encode(label, code); err != nil {
			return dst, fmt.Errorf("labelmap: row %d: %w", r, err)
		}
		for i, s := range code {
			dst[i][r] = s
		}
	}
	return dst, nil
}

// siteData returns the relabelled datasets of the given sites, sharing X
// with d. A nil d gives nil datasets.
func siteData(m codes.Mapping, d *labelcode.Dataset, sites []int) ([]*labelcode.Dataset, error) {
	out := make([]*labelcode.Dataset, m.Sites())
	if d == nil {
		return out, nil
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	sym, err := Relabel(m, d.Y, nil)
	if err != nil {
		return nil, err
	}
	for _, i := range sites {
		out[i] = &labelcode.Dataset{X: d.X, Y: sym[i], Features: d.Features, Classes: m.SiteClasses(i)}
	}
	return out, nil
}

// Ensemble is a Label Mapping classifier: a codes.Mapping and one base
// learner per site, each trained on its own relabelled problem with no
// communication between sites, decoded exactly by max-product
// (decode.MaxProduct): the label maximising Σ_i log p_i(f_i(y)).
//
// A site whose learner is missing (nil: not trained, not loaded) is left
// out of the sum; predicting needs at least one site. Predictions are safe
// for concurrent use; Fit, FitSite and SetSite must not run concurrently
// with predictions (FitSite on different sites may run concurrently).
type Ensemble struct {
	*decoder
	factory    LearnerFactory
	parallel   int
	maxWeights int
	mu         sync.Mutex
	sites      []Learner
}

// EnsembleOption sets an Ensemble setting.
type EnsembleOption func(*Ensemble) error

// Parallelism bounds how many sites Fit trains at once; default
// GOMAXPROCS. n < 1 is ErrOption.
func Parallelism(n int) EnsembleOption {
	return func(e *Ensemble) error {
		if n < 1 {
			return fmt.Errorf("%w: parallelism %d", ErrOption, n)
		}
		e.parallel = n
		return nil
	}
}

// EnsembleMaxWeights bounds the total weights of the learners Fit trains,
// summed over the sites; default DefaultMaxWeights. Fit and FitSite check
// it, with train's width, before training anything, for the learners that
// can tell their size beforehand (MLP: see MaxWeights, which also bounds
// each MLP alone); FitSite counts the site it trains plus the other
// present sites' Params. They return ErrTooLarge (wrapped) beyond it.
// n < 1 is ErrOption.
func EnsembleMaxWeights(n int) EnsembleOption {
	return func(e *Ensemble) error {
		if n < 1 {
			return fmt.Errorf("%w: max weights %d", ErrOption, n)
		}
		e.maxWeights = n
		return nil
	}
}

// NewEnsemble returns an untrained ensemble over m whose sites' learners
// come from factory (nil is allowed for an ensemble assembled only from
// saved or hand-set sites: Fit then returns ErrOption). It returns
// ErrOption for a nil mapping or a bad option.
func NewEnsemble(m codes.Mapping, factory LearnerFactory, opts ...EnsembleOption) (*Ensemble, error) {
	d, err := newDecoder(m)
	if err != nil {
		return nil, err
	}
	e := &Ensemble{decoder: d, factory: factory, parallel: runtime.GOMAXPROCS(0), maxWeights: DefaultMaxWeights, sites: make([]Learner, m.Sites())}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Mapping returns the ensemble's label mapping.
func (e *Ensemble) Mapping() codes.Mapping { return e.m }

// Sites returns the number of sites, Mapping().Sites().
func (e *Ensemble) Sites() int { return len(e.sites) }

// Site returns the learner of site i, nil if missing. It panics if i is
// outside [0, Sites()).
func (e *Ensemble) Site(i int) Learner { return e.sites[i] }

// Fitted returns how many sites have a learner.
func (e *Ensemble) Fitted() int {
	n := 0
	for _, l := range e.sites {
		if l != nil {
			n++
		}
	}
	return n
}

// SetSite installs l (nil removes the site) as the learner of site i: the
// way to assemble an ensemble from sites trained elsewhere. It returns
// ErrSite if i is outside [0, Sites()).
func (e *Ensemble) SetSite(i int, l Learner) error {
	if i < 0 || i >= len(e.sites) {
		return fmt.Errorf("%w: site %d of %d", ErrSite, i, len(e.sites))
	}
	e.mu.Lock()
	e.sites[i] = l
	e.mu.Unlock()
	return nil
}

// Params returns the total number of weights of the sites whose learners
// report it (a Params() int method, as MLP has).
func (e *Ensemble) Params() int {
	p := 0
	for _, l := range e.sites {
		if c, ok := l.(interface{ Params() int }); ok {
			p += c.Params()
		}
	}
	return p
}

// Fit relabels train (and val, which may be nil) for every site and trains
// a fresh learner per site, at most Parallelism at once. The sites replace
// the previous ones only if all succeed. The first failure cancels the
// other sites.
//
// Before any training, every site's learner is made by the factory and the
// weights of those that can tell their size (MLP) are summed and checked
// against EnsembleMaxWeights, each MLP against its own MaxWeights.
//
// It returns ErrOption without a factory, ErrLabelRange for a label
// outside the mapping, the Dataset validation errors, ErrTooLarge when
// the learners would exceed their limits, the first site's error (wrapped
// with its site number) and the context's error.
func (e *Ensemble) Fit(ctx context.Context, train, val *labelcode.Dataset) error {
	all := make([]int, len(e.sites))
	for i := range all {
		all[i] = i
	}
	learners, err := e.fitSites(ctx, all, train, val)
	if err != nil {
		return err
	}
	e.mu.Lock()
	copy(e.sites, learners)
	e.mu.Unlock()
	return nil
}

// FitSite trains a fresh learner for site i alone and installs it: the
// unit of work when sites are trained in separate processes (then saved
// with SaveSite and assembled with LoadSite). Its errors are Fit's, plus
// ErrSite for i outside [0, Sites()).
func (e *Ensemble) FitSite(ctx context.Context, i int, train, val *labelcode.Dataset) error {
	if i < 0 || i >= len(e.sites) {
		return fmt.Errorf("%w: site %d of %d", ErrSite, i, len(e.sites))
	}
	learners, err := e.fitSites(ctx, []int{i}, train, val)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.sites[i] = learners[i]
	e.mu.Unlock()
	return nil
}

func (e *Ensemble) fitSites(ctx context.Context, sites []int, train, val *labelcode.Dataset) ([]Learner, error) {
	if e.factory == nil {
		return nil, fmt.Errorf("%w: ensemble has no learner factory", ErrOption)
	}
	if train == nil {
		return nil, fmt.Errorf("labelmap: %w", labelcode.ErrEmpty)
	}
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("training data: labelmap: %w", err)
	}
	if val != nil && val.Features != train.Features {
		return nil, fmt.Errorf("%w: validation rows have %d features, training rows %d", ErrInput, val.Features, train.Features)
	}
	learners := make([]Learner, len(e.sites))
	for _, i := range sites {
		l, err := e.factory(i)
		if err != nil {
			return nil, fmt.Errorf("labelmap: site %d: %w", i, err)
		}
		learners[i] = l
	}
	if err := e.checkWeights(sites, learners, train.Features); err != nil {
		return nil, err
	}
	tr, err := siteData(e.m, train, sites)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	va, err := siteData(e.m, val, sites)
	if err != nil {
		return nil, fmt.Errorf("validation data: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(e.sites))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(e.parallel, len(sites)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				if err := learners[i].Fit(ctx, tr[i], va[i]); err != nil {
					errs[i] = fmt.Errorf("labelmap: site %d: %w", i, err)
					cancel()
				}
			}
		}()
	}
	for _, i := range sites {
		work <- i
	}
	close(work)
	wg.Wait()
	// Report the failure that caused the cancellation, not its echoes.
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil || (errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	return learners, nil
}

// sizer is a learner that can tell, before training, how many weights Fit
// will allocate for rows of features values and an alphabet of classes
// symbols, and refuses (ErrTooLarge) beyond its own limit.
type sizer interface {
	weights(features, classes int) (int, error)
}

var _ sizer = (*MLP)(nil)

// checkWeights sums the weights the new learners of sites will have and
// the Params of the other present sites, and checks the total against
// EnsembleMaxWeights. It allocates nothing.
func (e *Ensemble) checkWeights(sites []int, learners []Learner, features int) error {
	total := 0
	add := func(i, n int) error {
		var ok bool
		if total, ok = limits.Add(total, n); !ok || total > e.maxWeights {
			return fmt.Errorf("labelmap: site %d: %w: the sites' learners have more than %d weights (raise the limit with EnsembleMaxWeights)", i, ErrTooLarge, e.maxWeights)
		}
		return nil
	}
	fresh := make(map[int]bool, len(sites))
	for _, i := range sites {
		fresh[i] = true
		s, ok := learners[i].(sizer)
		if !ok {
			continue
		}
		n, err := s.weights(features, e.m.SiteClasses(i))
		if err != nil {
			return fmt.Errorf("labelmap: site %d: %w", i, err)
		}
		if err := add(i, n); err != nil {
			return err
		}
	}
	for i, l := range e.sites {
		if fresh[i] {
			continue
		}
		if c, ok := l.(interface{ Params() int }); ok {
			if err := add(i, c.Params()); err != nil {
				return err
			}
		}
	}
	return nil
}

// scoreRow fills sc.LogP for row x (lmcore.SiteScorer.ScoreRow).
func (e *Ensemble) scoreRow(x []float32, sc *scratch) error {
	present := 0
	for i, l := range e.sites {
		if l == nil {
			sc.LogP[i] = nil
			continue
		}
		v, err := l.LogProba(x, sc.Site[i][:0])
		if err != nil {
			return fmt.Errorf("labelmap: site %d: %w", i, err)
		}
		sc.Site[i] = v
		if err := checkScores(i, v, e.m.SiteClasses(i)); err != nil {
			return err
		}
		sc.LogP[i] = v
		present++
	}
	if present == 0 {
		return fmt.Errorf("%w: no site has a learner", ErrNotFitted)
	}
	return nil
}

// parallelChunks is lmcore.SiteScorer.ParallelChunks: true when every present site is
// an MLP, which scores a chunk with parallel matrix products (a learner of
// unknown kind may be serial: its rows are better split over goroutines).
func (e *Ensemble) parallelChunks() bool {
	for _, l := range e.sites {
		if l == nil {
			continue
		}
		if _, ok := l.(*MLP); !ok {
			return false
		}
	}
	return true
}

// scoreChunk fills sc.Batch for the rows of x (lmcore.SiteScorer.ScoreChunk).
func (e *Ensemble) scoreChunk(x []float32, rows int, sc *scratch) error {
	present := 0
	width := len(x) / max(rows, 1)
	for i, l := range e.sites {
		if l == nil {
			sc.Batch[i] = nil
			continue
		}
		q := e.m.SiteClasses(i)
		var err error
		if bl, ok := l.(BatchLearner); ok {
			sc.Batch[i], err = bl.LogProbaBatch(x, rows, sc.Batch[i][:0])
			if err == nil && len(sc.Batch[i]) != rows*q {
				err = fmt.Errorf("%w: site %d gave %d scores for %d rows of %d symbols", ErrScoreCount, i, len(sc.Batch[i]), rows, q)
			}
		} else {
			b := sc.Batch[i][:0]
			for r := 0; r < rows && err == nil; r++ {
				var v []float64
				v, err = l.LogProba(x[r*width:(r+1)*width], sc.Site[i][:0])
				sc.Site[i] = v
				if err == nil && len(v) != q {
					err = fmt.Errorf("%w: site %d gave %d scores for an alphabet of %d", ErrScoreCount, i, len(v), q)
				}
				b = append(b, v...)
			}
			sc.Batch[i] = b
		}
		if err != nil {
			if errors.Is(err, ErrScoreCount) {
				return err
			}
			return fmt.Errorf("labelmap: site %d: %w", i, err)
		}
		for r := 0; r < rows; r++ {
			if err := checkScores(i, sc.Batch[i][r*q:(r+1)*q], q); err != nil {
				return err
			}
		}
		present++
	}
	if present == 0 {
		return fmt.Errorf("%w: no site has a learner", ErrNotFitted)
	}
	return nil
}

// Predict returns the label of row x with the largest joint log score
// Σ_i log p_i(f_i(y)) over the present sites (ties: the smallest label),
// found exactly by decode.MaxProduct. It returns ErrNotFitted when no site
// has a learner, ErrScoreCount or ErrNaNScore when a learner misbehaves,
// and the learner's error (e.g. ErrInput for a row of the wrong width).
// Cost: one LogProba per site plus the decoder's search.
func (e *Ensemble) Predict(x []float32) (int, error) {
	r, err := e.decoder.predict(ensembleScorer{e}, x)
	return r.Label, err
}

// PredictScored is Predict returning the label's joint log score too.
func (e *Ensemble) PredictScored(x []float32) (decode.Scored, error) {
	return e.decoder.predict(ensembleScorer{e}, x)
}

// TopK appends to dst[:0] the k labels with the largest joint log scores,
// best first (ties by ascending label), and returns it. Errors as Predict.
func (e *Ensemble) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	return e.decoder.topK(ensembleScorer{e}, x, k, dst)
}

// LogScores returns the per-site log-probabilities of row x, the
// PredictProba of each base learner: dst[i] has SiteClasses(i) entries, or
// is nil for a missing site. dst and its rows are reused when large
// enough. Errors as Predict.
func (e *Ensemble) LogScores(x []float32, dst [][]float64) ([][]float64, error) {
	return e.decoder.logScores(ensembleScorer{e}, x, dst)
}

// LogScore returns the joint log score of label for row x, Σ_i log
// p_i(f_i(label)) over the present sites: the quantity Predict maximises.
// It returns ErrLabelRange for a label outside [0, K), else as Predict.
func (e *Ensemble) LogScore(x []float32, label int) (float64, error) {
	return e.decoder.logScore(ensembleScorer{e}, x, label)
}

// PredictBatch predicts the rows of x (row-major, rows rows) into dst
// (grown when too short) and returns it. The rows are split between
// GOMAXPROCS goroutines; learners that implement BatchLearner score 128
// rows per call. It returns ErrInput when len(x) is not a multiple of rows,
// else as Predict.
func (e *Ensemble) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	if rows == 0 {
		return dst[:0], nil
	}
	if rows < 0 || len(x)%rows != 0 {
		return dst, fmt.Errorf("%w: %d values for %d rows", ErrInput, len(x), rows)
	}
	return e.decoder.predictBatch(ensembleScorer{e}, x, rows, len(x)/rows, dst)
}

// Accuracy returns the fraction of the rows of d that PredictBatch labels
// correctly.
func (e *Ensemble) Accuracy(d *labelcode.Dataset) (float64, error) {
	return accuracy(d, e.PredictBatch)
}

func accuracy(d *labelcode.Dataset, predict func([]float32, int, []int) ([]int, error)) (float64, error) {
	if err := d.Validate(); err != nil {
		return 0, fmt.Errorf("labelmap: %w", err)
	}
	pred, err := predict(d.X, d.Len(), nil)
	if err != nil {
		return 0, err
	}
	hits := 0
	for i, p := range pred {
		if p == d.Y[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(pred)), nil
}
