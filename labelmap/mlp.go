package labelmap

import (
	"context"
	"errors"
	"fmt"
	"sync"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/lmcore"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/training"
)

// Learner is a base learner for one site: a classifier over the site's
// alphabet. Bring your own by implementing these two methods; implement
// BatchLearner too for fast batch prediction and Saveable to save it.
type Learner interface {
	// Fit trains on the (row, symbol) pairs of train: train.Y holds
	// symbols in [0, train.Classes), train.Classes is the site's alphabet
	// size. val (same form) may be nil; a learner may use it for early
	// stopping. A learner may keep references to the datasets' slices only
	// until Fit returns. It returns the training history (nil for a
	// learner that keeps none).
	Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error)
	// LogProba writes the log-probabilities of the alphabet's symbols for
	// the input row x into dst (grown when too short) and returns it.
	LogProba(x []float32, dst []float64) ([]float64, error)
}

// BatchLearner is a Learner that scores many rows at once: LogProbaBatch
// writes rows×alphabet log-probabilities, row-major, for the rows of x
// (row-major) into dst (grown when too short) and returns it.
type BatchLearner interface {
	Learner
	LogProbaBatch(x []float32, rows int, dst []float64) ([]float64, error)
}

func (c *config) train(ctx context.Context, net *nn.Net, tr, va *nntrain.Data, score func(*nn.Net) (float64, error)) (*training.History, error) {
	if err := net.Check(); err != nil {
		return nil, err
	}
	if err := tr.Check(net.Spec); err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	if va != nil {
		if err := va.Check(net.Spec); err != nil {
			return nil, fmt.Errorf("validation data: %w", err)
		}
		if score == nil {
			score = func(n *nn.Net) (float64, error) { return nntrain.Accuracy(n, va), nil }
		}
	}
	batch := min(c.Batch, tr.Rows())
	var bn *nn.BatchNorm
	if c.BatchNorm {
		bn = nn.NewBatchNorm(net.Spec)
	}
	g, err := nntrain.NewGraphBN(net, batch, bn)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	s, err := training.NewSampler(tr.Rows(), batch, c.Seed)
	if err != nil {
		return nil, err
	}
	cfg := c.Loop()
	cfg.Site = c.site
	if score != nil {
		cfg.Validate = func() (float64, error) { return score(net) }
		if bn != nil {
			// Validation sees the network as it will predict: batch norm
			// with the running statistics, folded into a copy of the
			// weights; the training weights are not touched.
			folded := net.Clone()
			cfg.Validate = func() (float64, error) {
				bn.Fold(folded, net)
				return score(folded)
			}
		}
	}
	h, err := training.Run(ctx, nntrain.NewTrainer(g, tr), s, cfg)
	if bn != nil {
		// Run restored the best epoch's weights, γ, β and running
		// statistics together (all of them are the trainer's Params);
		// fold them into the network that predicts.
		if batchNormTrained != nil {
			batchNormTrained(bn, net)
		}
		bn.Fold(net, net)
	}
	return h, err
}

// batchNormTrained, when set (by tests), sees every network trained with
// batch norm and its state before they are folded.
var batchNormTrained func(bn *nn.BatchNorm, unfolded *nn.Net)

// MLP is the default base learner: a softmax classifier on a multilayer
// perceptron (ReLU hidden layers, He/Glorot initialisation), trained with
// Adam on shuffled minibatches, early stopping on validation accuracy and
// the best epoch's weights kept. With codes.NewOneHot it is the one-hot
// softmax baseline, with codes.NewBinary the binary ECOC baseline.
//
// Prediction does not touch the training graph: the weights are plain
// float32 slices evaluated with gonum BLAS. LogProba and LogProbaBatch are
// safe for concurrent use (not concurrently with Fit) and LogProba allocates
// nothing with a dst of sufficient capacity.
type MLP struct {
	cfg     config
	net     *nn.Net
	scratch sync.Pool // *mlpScratch
}

type mlpScratch struct {
	ws  nn.Workspace
	out []float32
}

var (
	_ BatchLearner = (*MLP)(nil)
	_ Saveable     = (*MLP)(nil)
)

// NewMLP returns an untrained MLP learner with the training options of
// opts (WithHidden, WithEpochs, ...; defaults as documented there). It
// returns ErrConfig, wrapped, for a bad option value.
func NewMLP(opts ...Option) (*MLP, error) {
	c, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	return &MLP{cfg: c}, nil
}

// mlpFactory returns the default LearnerFactory of an Ensemble: MLP
// learners with c's settings, site i seeded from c's seed and i, its
// progress reports carrying the site.
func mlpFactory(c config) LearnerFactory {
	return func(site int) (Learner, error) {
		c := c
		c.Seed = siteSeed(c.Seed, site)
		c.site = site
		return &MLP{cfg: c}, nil
	}
}

// siteSeed mixes a base seed and a site index (splitmix64 finaliser).
func siteSeed(seed uint64, site int) uint64 {
	z := seed + 0x9e3779b97f4a7c15*uint64(site+1)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Fit trains a fresh network (the previous one, if any, is replaced only on
// success) on train; val, if not nil, is used for early stopping and to
// keep the best epoch. It returns the Dataset validation errors
// (labelcode.ErrShape, ...), ErrInput when val's width differs from train's,
// ErrTooLarge (before allocating the network) when the network for
// train's width and alphabet would have more weights than MaxWeights, and
// the context's error when ctx is cancelled. It returns the training
// history (also after cancellation: see training.Run).
func (m *MLP) Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error) {
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("labelmap: MLP training data: %w", err)
	}
	if _, err := m.weights(train.Features, train.Classes); err != nil {
		return nil, err
	}
	tr := &nntrain.Data{X: train.X, Targets: [][]int{train.Y}}
	var va *nntrain.Data
	if val != nil {
		if err := val.Validate(); err != nil {
			return nil, fmt.Errorf("labelmap: MLP validation data: %w", err)
		}
		if val.Features != train.Features || val.Classes != train.Classes {
			return nil, fmt.Errorf("%w: validation data %d features × %d classes, training %d × %d", ErrInput, val.Features, val.Classes, train.Features, train.Classes)
		}
		va = &nntrain.Data{X: val.X, Targets: [][]int{val.Y}}
	}
	net, err := nn.NewNet(m.spec(train.Features, train.Classes), m.cfg.Seed, m.cfg.MaxWeights)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	h, err := m.cfg.train(ctx, net, tr, va, nil)
	if err != nil {
		return h, fmt.Errorf("labelmap: MLP: %w", err)
	}
	m.net = net
	return h, nil
}

// spec is the network of m for rows of features values and an alphabet of
// classes symbols.
func (m *MLP) spec(features, classes int) nn.Spec {
	return nn.Spec{Inputs: features, Hidden: m.cfg.Hidden, Heads: []int{classes}}
}

// weights returns the number of weights Fit would allocate for rows of
// features values and an alphabet of classes symbols: ErrTooLarge beyond
// MaxWeights, ErrConfig for a size below 1. It allocates nothing.
func (m *MLP) weights(features, classes int) (int, error) {
	n, err := m.spec(features, classes).Weights(m.cfg.MaxWeights)
	if err != nil {
		return 0, networkError("MLP", err)
	}
	return n, nil
}

// networkError rewords an nn size error: ErrTooLarge stays itself, an
// invalid size (nn.ErrSpec) becomes ErrConfig.
func networkError(model string, err error) error {
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("labelmap: %s network (raise the limit with MaxWeights): %w", model, err)
	}
	return fmt.Errorf("%w: %s network: %w", ErrConfig, model, err)
}

// Params returns the number of weights (0 before Fit).
func (m *MLP) Params() int { return m.net.Params() }

// Classes returns the alphabet size the learner was trained on (0 before Fit).
func (m *MLP) Classes() int {
	if m.net == nil {
		return 0
	}
	return m.net.Spec.Heads[0]
}

// Features returns the input width the learner was trained on (0 before
// Fit).
func (m *MLP) Features() int {
	if m.net == nil {
		return 0
	}
	return m.net.Spec.Inputs
}

// String describes the network, e.g. "MLP 16-[64]-[47] (4143 params)".
func (m *MLP) String() string {
	if m.net == nil {
		return fmt.Sprintf("MLP (not fitted, hidden %v)", m.cfg.Hidden)
	}
	return m.net.String()
}

func (m *MLP) check(width int) error {
	if m.net == nil {
		return ErrNotFitted
	}
	if width != m.net.Spec.Inputs {
		return fmt.Errorf("%w: %d features, the model takes %d", ErrInput, width, m.net.Spec.Inputs)
	}
	return nil
}

// LogProba writes the log-probabilities of the alphabet for row x into dst
// and returns it. It returns ErrNotFitted before Fit and ErrInput for a row
// of the wrong width. Cost O(Params()); no allocation with a dst of
// sufficient capacity.
func (m *MLP) LogProba(x []float32, dst []float64) ([]float64, error) {
	if err := m.check(len(x)); err != nil {
		return dst, err
	}
	s, _ := m.scratch.Get().(*mlpScratch)
	if s == nil {
		s = new(mlpScratch)
	}
	s.out = m.net.Forward(x, &s.ws, s.out)
	dst = lmcore.ToFloat64(s.out, dst)
	m.scratch.Put(s)
	return dst, nil
}

// LogProbaBatch writes rows×alphabet log-probabilities (row-major) for the
// rows of x into dst and returns it, one BLAS matrix product per layer. It
// returns ErrNotFitted before Fit and ErrInput when len(x) is not
// rows×features.
func (m *MLP) LogProbaBatch(x []float32, rows int, dst []float64) ([]float64, error) {
	if m.net == nil {
		return dst, ErrNotFitted
	}
	if size, ok := limits.Mul(rows, m.net.Spec.Inputs); !ok || len(x) != size {
		return dst, fmt.Errorf("%w: %d values for %d rows of %d features", ErrInput, len(x), rows, m.net.Spec.Inputs)
	}
	s, _ := m.scratch.Get().(*mlpScratch)
	if s == nil {
		s = new(mlpScratch)
	}
	s.out = m.net.ForwardBatch(x, rows, &s.ws, s.out)
	dst = lmcore.ToFloat64(s.out, dst)
	m.scratch.Put(s)
	return dst, nil
}

// Kind returns "mlp", the name under which MLP learners are saved.
func (m *MLP) Kind() string { return "mlp" }

// MarshalBinary encodes the trained network. It returns ErrNotFitted before
// Fit.
func (m *MLP) MarshalBinary() ([]byte, error) {
	if m.net == nil {
		return nil, ErrNotFitted
	}
	return m.net.MarshalBinary()
}

// UnmarshalBinary replaces the network by the one encoded in data; the
// training options are kept. It returns ErrCorrupt for invalid data, also
// wrapping ErrTooLarge when the architecture needs more weights than data
// hold or its size overflows.
//
// It never allocates much more than len(data): the architecture's weight
// count is computed without overflow and must match the bytes left before
// any layer is allocated. MaxWeights does not apply: the data's own size
// bounds the network.
func (m *MLP) UnmarshalBinary(data []byte) error {
	n, err := lmcore.DecodeMLP(data)
	if err != nil {
		return err
	}
	m.net = n
	return nil
}

func decodeMLP(data []byte) (Learner, error) {
	m := &MLP{cfg: defaultConfig()}
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return m, nil
}
