package labelmap

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/evaluate"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/training"
)

// LearnerFactory makes the untrained learner of a site (WithLearner); MLP
// learners are the default. A factory must give the same learner for the same site wherever
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
	cfg   config
	mu    sync.Mutex
	sites []Learner
}

// NewEnsemble returns an untrained ensemble over m. Its sites' learners
// are MLPs with the training options of opts (WithHidden, WithEpochs, ...;
// site i seeded from WithSeed and i), or come from WithLearner. It returns
// ErrConfig for a nil mapping or a bad option. NewMixed, NewSimplex and
// NewOneHot build the ensembles of the Label Mapping paper in one call.
func NewEnsemble(m codes.Mapping, opts ...Option) (*Ensemble, error) {
	c, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	d, err := newDecoder(m)
	if err != nil {
		return nil, err
	}
	if c.factory == nil {
		c.factory = mlpFactory(c)
	}
	return &Ensemble{decoder: d, cfg: c, sites: make([]Learner, m.Sites())}, nil
}

// NewMixed returns an untrained mixed Label Mapping ensemble (LM paper
// §IV-A) of classes labels over sites sites: site i predicts y mod p_i,
// p_1 < ... < p_n the smallest primes >= ceil(√classes), so that any two
// sites determine the label (codes.NewMixed). It returns the errors of
// codes.NewMixed and NewEnsemble.
func NewMixed(classes, sites int, opts ...Option) (*Ensemble, error) {
	m, err := codes.NewMixed(classes, sites)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return NewEnsemble(m, opts...)
}

// NewSimplex returns an untrained simplex Label Mapping ensemble (LM paper
// §IV-B) of classes labels over sites sites: a Reed–Solomon code over
// GF(p), p the smallest prime with p² >= classes, evaluated at 0, ...,
// sites−1, any two sites determining the label (codes.NewSimplex). Its
// site 0 is y mod p, the same function of the label as site 0 of
// NewMixed(classes, ·): a comparison of both trains that site twice. It
// returns the errors of codes.NewSimplex and NewEnsemble.
func NewSimplex(classes, sites int, opts ...Option) (*Ensemble, error) {
	m, err := codes.NewSimplex(classes, sites)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return NewEnsemble(m, opts...)
}

// NewOneHot returns the one-hot softmax baseline over classes labels: an
// ensemble of one site whose learner is a softmax classifier over all the
// labels (codes.NewOneHot), with the same options, training and API as the
// coded ensembles it is compared with. Its output layer has hidden×classes
// weights, what the codes avoid. It returns the errors of codes.NewOneHot
// and NewEnsemble.
func NewOneHot(classes int, opts ...Option) (*Ensemble, error) {
	m, err := codes.NewOneHot(classes)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	return NewEnsemble(m, opts...)
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
// against WithMaxWeights, the total and each MLP alone.
//
// It returns the run's history, whose Sites hold each site's, Params the
// total weights and Duration the wall time; ErrLabelRange for a label
// outside the mapping, the Dataset validation errors, ErrTooLarge when
// the learners would exceed their limits, the first site's error (wrapped
// with its site number) and the context's error.
func (e *Ensemble) Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error) {
	all := make([]int, len(e.sites))
	for i := range all {
		all[i] = i
	}
	learners, h, err := e.fitSites(ctx, all, train, val)
	if err != nil {
		return h, err
	}
	e.mu.Lock()
	copy(e.sites, learners)
	e.mu.Unlock()
	return h, nil
}

// FitSite trains a fresh learner for site i alone and installs it: the
// unit of work when sites are trained in separate processes (then saved
// with SaveSite and assembled with LoadSite). It returns the site's
// history (the history of the learner, nil if it keeps none). Its errors
// are Fit's, plus ErrSite for i outside [0, Sites()).
func (e *Ensemble) FitSite(ctx context.Context, i int, train, val *labelcode.Dataset) (*training.History, error) {
	if i < 0 || i >= len(e.sites) {
		return nil, fmt.Errorf("%w: site %d of %d", ErrSite, i, len(e.sites))
	}
	learners, h, err := e.fitSites(ctx, []int{i}, train, val)
	if err != nil {
		return h.Sites[i], err
	}
	e.mu.Lock()
	e.sites[i] = learners[i]
	e.mu.Unlock()
	return h.Sites[i], nil
}

// fitSites trains fresh learners of the given sites; the history is never
// nil, its Sites one entry per site of the ensemble.
func (e *Ensemble) fitSites(ctx context.Context, sites []int, trainSet, val *labelcode.Dataset) ([]Learner, *training.History, error) {
	start := time.Now()
	h := &training.History{Stopped: training.StopEpochs, Sites: make([]*training.History, len(e.sites))}
	learners, err := e.fitLearners(ctx, sites, trainSet, val, h)
	h.Duration = time.Since(start)
	for _, s := range h.Sites {
		if s != nil {
			h.Params += s.Params
			if s.Stopped == training.StopCancelled {
				h.Stopped = training.StopCancelled
			}
		}
	}
	if err != nil && errors.Is(err, context.Canceled) {
		h.Stopped = training.StopCancelled
	}
	return learners, h, err
}

func (e *Ensemble) fitLearners(ctx context.Context, sites []int, trainSet, val *labelcode.Dataset, h *training.History) ([]Learner, error) {
	if trainSet == nil {
		return nil, fmt.Errorf("labelmap: %w", labelcode.ErrEmpty)
	}
	if err := trainSet.Validate(); err != nil {
		return nil, fmt.Errorf("training data: labelmap: %w", err)
	}
	if val != nil && val.Features != trainSet.Features {
		return nil, fmt.Errorf("%w: validation rows have %d features, training rows %d", ErrInput, val.Features, trainSet.Features)
	}
	learners := make([]Learner, len(e.sites))
	for _, i := range sites {
		l, err := e.cfg.factory(i)
		if err != nil {
			return nil, fmt.Errorf("labelmap: site %d: %w", i, err)
		}
		learners[i] = l
	}
	if err := e.checkWeights(sites, learners, trainSet.Features); err != nil {
		return nil, err
	}
	tr, err := siteData(e.m, trainSet, sites)
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
	for w := 0; w < min(e.cfg.parallel, len(sites)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				sh, err := learners[i].Fit(ctx, tr[i], va[i])
				h.Sites[i] = sh
				if err != nil {
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
// WithMaxWeights. It allocates nothing.
func (e *Ensemble) checkWeights(sites []int, learners []Learner, features int) error {
	total := 0
	add := func(i, n int) error {
		var ok bool
		if total, ok = limits.Add(total, n); !ok || total > e.cfg.MaxWeights {
			return fmt.Errorf("labelmap: site %d: %w: the sites' learners have more than %d weights (raise the limit with WithMaxWeights)", i, ErrTooLarge, e.cfg.MaxWeights)
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

// topKAccuracy returns the fraction of d's rows whose label is among the k
// best of topK, the rows split between GOMAXPROCS goroutines (topK must be
// safe for concurrent use). It returns ErrConfig for k < 1 and d's
// validation errors. Cost: one TopK per row.
func topKAccuracy(d *labelcode.Dataset, k int, topK func([]float32, int, []decode.Scored) ([]decode.Scored, error)) (float64, error) {
	if k < 1 {
		return 0, fmt.Errorf("%w: top-%d accuracy", ErrConfig, k)
	}
	if err := d.Validate(); err != nil {
		return 0, fmt.Errorf("labelmap: %w", err)
	}
	return evaluate.TopKAccuracy(d.X, d.Features, d.Y, k, topK)
}

// TopKAccuracy returns the fraction of d's rows whose label is among the k
// best of TopK (k = 1 is Accuracy, up to ties). It returns ErrConfig for
// k < 1, else the errors of Accuracy. Cost: one TopK per row, on
// GOMAXPROCS goroutines.
func (e *Ensemble) TopKAccuracy(d *labelcode.Dataset, k int) (float64, error) {
	return topKAccuracy(d, k, e.TopK)
}

// TopKAccuracy returns the fraction of d's rows whose label is among the k
// best of TopK (k = 1 is Accuracy, up to ties). It returns ErrConfig for
// k < 1, else the errors of Accuracy. Cost: one TopK per row, on
// GOMAXPROCS goroutines.
func (h *MultiHead) TopKAccuracy(d *labelcode.Dataset, k int) (float64, error) {
	return topKAccuracy(d, k, h.TopK)
}

// Model is what every Label Mapping model of this package does, *Ensemble
// and *MultiHead alike: train, predict (labels, ranked labels with their
// joint log scores), evaluate and save. Load returns one.
type Model interface {
	// Fit trains the model on train, validating on val (may be nil).
	Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error)
	// Predict returns the most probable label of row x.
	Predict(x []float32) (int, error)
	// PredictBatch predicts the rows of x (row-major) into dst.
	PredictBatch(x []float32, rows int, dst []int) ([]int, error)
	// TopK appends to dst[:0] the k best labels of row x, best first.
	TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error)
	// Accuracy returns the fraction of d's rows predicted right.
	Accuracy(d *labelcode.Dataset) (float64, error)
	// TopKAccuracy returns the fraction of d's rows whose label is among
	// the k best.
	TopKAccuracy(d *labelcode.Dataset, k int) (float64, error)
	// Mapping returns the label mapping.
	Mapping() codes.Mapping
	// Params returns the number of weights and biases.
	Params() int
	// Save writes the model to path atomically; MarshalBinary encodes it.
	Save(path string) error
	MarshalBinary() ([]byte, error)
}

var (
	_ Model = (*Ensemble)(nil)
	_ Model = (*MultiHead)(nil)
)
