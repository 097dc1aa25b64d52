package labelmap

import (
	"context"
	"fmt"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/lmcore"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntrain"
	"github.com/labelcode/labelcode/training"
)

// MultiHead is the shared-trunk Label Mapping network (LM paper, Figure
// 4a): one MLP trunk and one softmax head per site, trained jointly on the
// sum of the heads' negative log-likelihoods, decoded by max-product like an
// Ensemble. Against a K-way softmax on the same trunk it replaces the
// hidden×K output layer by hidden×Σ_i SiteClasses(i) weights; Params
// reports both parts.
//
// Validation during Fit (early stopping, best epoch) uses the accuracy of
// the decoded labels. Predictions are safe for concurrent use, not
// concurrently with Fit.
type MultiHead struct {
	*decoder
	cfg config
	net *nn.Net
	ns  lmcore.NetScorer
}

// NewMultiHead returns an untrained shared-trunk model over m with the
// training options of opts (WithHidden for the trunk, WithEpochs, ...;
// defaults as documented there). It returns ErrConfig for a nil mapping or
// a bad option, and ErrTooLarge when the network would exceed
// WithMaxWeights whatever the input width (its heads and
// hidden layers alone are too large); Fit checks the full network once
// the width is known. Nothing is allocated for the network here.
func NewMultiHead(m codes.Mapping, opts ...Option) (*MultiHead, error) {
	return newMultiHead(m, true, opts)
}

// newMultiHead is NewMultiHead; bound says whether to check MaxWeights
// (a loaded network is bounded by its file instead).
func newMultiHead(m codes.Mapping, bound bool, opts []Option) (*MultiHead, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil mapping", ErrConfig)
	}
	c, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	h := &MultiHead{cfg: c}
	// One input is the smallest network of this shape: a lower bound of
	// every network Fit can make, checked before the decoder is built.
	if bound {
		if _, err := h.weights(m, 1); err != nil {
			return nil, err
		}
	}
	if h.decoder, err = newDecoder(m); err != nil {
		return nil, err
	}
	return h, nil
}

// weights returns the number of weights of h's network over m for rows of
// features values: ErrTooLarge beyond MaxWeights, ErrConfig for a size
// below 1. It allocates only the spec's list of heads.
func (h *MultiHead) weights(m codes.Mapping, features int) (int, error) {
	n, err := spec(m, h.cfg.Hidden, features).Weights(h.cfg.MaxWeights)
	if err != nil {
		return 0, networkError("MultiHead", err)
	}
	return n, nil
}

// Mapping returns the model's label mapping.
func (h *MultiHead) Mapping() codes.Mapping { return h.m }

// Params returns the number of weights and biases (0 before Fit).
func (h *MultiHead) Params() int { return h.net.Params() }

// TrunkParams returns the number of weights and biases of the shared trunk
// (the hidden layers); Params() − TrunkParams() are the heads'. 0 before
// Fit.
func (h *MultiHead) TrunkParams() int { return h.net.TrunkParams() }

// String describes the model: the network's shape and weights, then the
// mapping, e.g. "MultiHead MLP 16-[32]-[5 7] (… params): trunk 544 + heads
// 396 = 940; prime residue (mixed LM): 35 classes, 2 sites mod 5 7, …".
func (h *MultiHead) String() string {
	if h.net == nil {
		return fmt.Sprintf("MultiHead (not fitted, hidden %v); %s", h.cfg.Hidden, describe(h.m))
	}
	return fmt.Sprintf("MultiHead %v: trunk %d + heads %d = %d; %s", h.net, h.TrunkParams(), h.Params()-h.TrunkParams(), h.Params(), describe(h.m))
}

// Fit trains a fresh network on train (val may be nil; it drives early
// stopping and best-epoch selection by decoded accuracy). The previous
// network is replaced only on success. It returns ErrLabelRange for a label
// outside the mapping, the Dataset validation errors, ErrInput when val's
// width differs, ErrTooLarge (before allocating anything for the network)
// when the network for train's width would exceed MaxWeights, and the
// context's error. It returns the training history, whose scores are the
// decoded validation accuracies (also after cancellation: see training.Run).
func (h *MultiHead) Fit(ctx context.Context, train, val *labelcode.Dataset) (*training.History, error) {
	if train == nil {
		return nil, fmt.Errorf("labelmap: %w", labelcode.ErrEmpty)
	}
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("labelmap: training data: %w", err)
	}
	if _, err := h.weights(h.m, train.Features); err != nil {
		return nil, err
	}
	ty, err := Relabel(h.m, train.Y, nil)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	var va *nntrain.Data
	var score func(*nn.Net) (float64, error)
	if val != nil {
		if err := val.Validate(); err != nil {
			return nil, fmt.Errorf("labelmap: validation data: %w", err)
		}
		if val.Features != train.Features {
			return nil, fmt.Errorf("%w: validation rows have %d features, training rows %d", ErrInput, val.Features, train.Features)
		}
		vy, err := Relabel(h.m, val.Y, nil)
		if err != nil {
			return nil, fmt.Errorf("validation data: %w", err)
		}
		va = &nntrain.Data{X: val.X, Targets: vy}
		score = func(n *nn.Net) (float64, error) {
			return accuracy(val, func(x []float32, rows int, dst []int) ([]int, error) {
				return h.decoder.predictBatch(&lmcore.NetScorer{Net: n}, x, rows, train.Features, dst)
			})
		}
	}
	net, err := nn.NewNet(h.spec(train.Features), h.cfg.Seed, h.cfg.MaxWeights)
	if err != nil {
		return nil, fmt.Errorf("labelmap: %w", err)
	}
	hist, err := h.cfg.train(ctx, net, &nntrain.Data{X: train.X, Targets: ty}, va, score)
	if err != nil {
		return hist, fmt.Errorf("labelmap: MultiHead: %w", err)
	}
	h.setNet(net)
	return hist, nil
}

func (h *MultiHead) setNet(n *nn.Net) {
	h.net = n
	h.ns = lmcore.NetScorer{Net: n}
}

func (h *MultiHead) scorer() *lmcore.NetScorer { return &h.ns }

// Predict returns the label of row x with the largest joint log score over
// the heads (ties: the smallest label), by decode.MaxProduct. It returns
// ErrNotFitted before Fit and ErrInput for a row of the wrong width. Cost:
// one forward pass plus the decoder's search.
func (h *MultiHead) Predict(x []float32) (int, error) {
	r, err := h.decoder.predict(h.scorer(), x)
	return r.Label, err
}

// PredictScored is Predict returning the label's joint log score too.
func (h *MultiHead) PredictScored(x []float32) (decode.Scored, error) {
	return h.decoder.predict(h.scorer(), x)
}

// TopK appends to dst[:0] the k best labels by joint log score, best first.
// Errors as Predict.
func (h *MultiHead) TopK(x []float32, k int, dst []decode.Scored) ([]decode.Scored, error) {
	return h.decoder.topK(h.scorer(), x, k, dst)
}

// LogScores returns each head's log-probabilities for row x in dst[i].
// Errors as Predict.
func (h *MultiHead) LogScores(x []float32, dst [][]float64) ([][]float64, error) {
	return h.decoder.logScores(h.scorer(), x, dst)
}

// LogScore returns the joint log score of label for row x. It returns
// ErrLabelRange for a label outside [0, K), else as Predict.
func (h *MultiHead) LogScore(x []float32, label int) (float64, error) {
	return h.decoder.logScore(h.scorer(), x, label)
}

// PredictBatch predicts the rows of x (row-major) into dst and returns it,
// split between GOMAXPROCS goroutines, 128 rows per forward pass. Errors as
// Predict.
func (h *MultiHead) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	if h.net == nil {
		return dst, ErrNotFitted
	}
	return h.decoder.predictBatch(h.scorer(), x, rows, h.net.Spec.Inputs, dst)
}

// Accuracy returns the fraction of the rows of d that PredictBatch labels
// correctly.
func (h *MultiHead) Accuracy(d *labelcode.Dataset) (float64, error) {
	return accuracy(d, h.PredictBatch)
}
