package labelmap

import (
	"fmt"
	"runtime"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/trainopt"
	"github.com/labelcode/labelcode/training"
)

// DefaultMaxWeights is the default bound on the weights and biases of a
// model (WithMaxWeights): 2^28 float32s, 1 GiB, about 25 times a one-hot
// softmax over 20,902 classes from 512 hidden units. Training needs about
// three times as much again (gradients and Adam's moments).
const DefaultMaxWeights = limits.DefaultMaxWeights

// Option sets a setting of an Ensemble, a MultiHead model or an MLP
// learner, at construction (NewEnsemble, NewMixed, NewSimplex, NewOneHot,
// NewMultiHead, NewMLP) or when loading (Load, Unmarshal, LoadSite). Each
// option is checked where it is given: a bad value is an error wrapping
// ErrConfig from the constructor. An option that does not concern a model
// (WithParallelism for a MultiHead) is accepted and has no effect.
type Option func(*config) error

// config holds every setting; the defaults are those of defaultConfig,
// shared with package dsnc where the meaning is the same.
type config struct {
	trainopt.Settings // hidden widths, epochs, batch, rate, schedule, patience, seed, progress, weight bound
	site              int
	parallel          int
	factory           LearnerFactory
	decoders          map[string]func([]byte) (Learner, error)
}

func defaultConfig() config {
	c := config{Settings: trainopt.Defaults(), parallel: runtime.GOMAXPROCS(0)}
	c.Hidden, c.MaxWeights = []int{128}, DefaultMaxWeights
	return c
}

func buildConfig(opts []Option) (config, error) {
	c := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// WithHidden sets the widths of the hidden ReLU layers (of each MLP
// learner, or of a MultiHead's shared trunk); default one layer of 128. No
// width gives a softmax regression. A width below 1 is ErrConfig; one
// above 2^31 − 1 is ErrConfig and ErrTooLarge.
func WithHidden(widths ...int) Option {
	return func(c *config) error { return c.SetHidden(widths) }
}

// WithMaxWeights bounds the number of weights and biases, Σ (in+1)·out
// over the layers: of a MultiHead's network, of each MLP learner, and of
// an Ensemble's learners summed over its sites; default DefaultMaxWeights.
// The bound is checked before anything is allocated (by the constructor
// for what does not depend on the input width, then by Fit once it is
// known): Fit returns ErrTooLarge, wrapped, naming the size and the limit,
// so a typo in a class count is an error rather than an out-of-memory
// crash. Loading is bounded by the file's size instead. n < 1 is
// ErrConfig.
func WithMaxWeights(n int) Option {
	return func(c *config) error { return c.SetMaxWeights(n, 1) }
}

// WithEpochs sets the number of passes over the training data; default 20.
// n < 1 is ErrConfig.
func WithEpochs(n int) Option {
	return func(c *config) error { return c.SetEpochs(n) }
}

// WithBatchSize sets the minibatch size; default 128, capped at the number
// of training rows. Each epoch drops the rows left over after the last
// full minibatch of its shuffle. n < 1 is ErrConfig.
func WithBatchSize(n int) Option {
	return func(c *config) error { return c.SetBatchSize(n, 1) }
}

// WithLearningRate sets Adam's step size; default 1e-3. A value that is not
// positive and finite is ErrConfig.
func WithLearningRate(lr float64) Option {
	return func(c *config) error { return c.SetLearningRate(lr) }
}

// WithSchedule makes Fit take Adam's rate of every step from s instead of
// the constant of WithLearningRate (nil: back to the constant). Fit
// returns ErrConfig, wrapped, when s gives a rate that is not positive and
// finite.
func WithSchedule(s training.Schedule) Option {
	return func(c *config) error { c.Schedule = s; return nil }
}

// WithPatience stops training after n epochs without a better validation
// score (validation data must be given to Fit); default 5; 0 never stops
// early. With validation data the best epoch's weights are always kept.
// n < 0 is ErrConfig.
func WithPatience(n int) Option {
	return func(c *config) error { return c.SetPatience(n) }
}

// WithSeed sets the seed of weight initialisation and minibatch shuffling;
// default 1. The same seed and data give the same model bit for bit. Each
// site of an Ensemble gets a seed derived from it and the site's index,
// so that a site trained anywhere (another goroutine, another process)
// with the same options is the same model.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.Seed = seed; return nil }
}

// WithProgress sets a function that Fit calls after every minibatch and
// at the end of every epoch (training.Progress; Site says which site of an
// Ensemble, 0 for a MultiHead). The sites of an Ensemble train
// concurrently, so f must be safe for concurrent use.
func WithProgress(f func(training.Progress)) Option {
	return func(c *config) error { c.Progress = f; return nil }
}

// WithBatchNorm turns batch normalisation (Ioffe and Szegedy 2015) of the
// hidden layers on or off; default off. While training, each hidden
// layer's affine map is normalised over the minibatch (per unit: batch
// mean and variance, then a learnt scale γ and shift β) before its ReLU,
// which lets deep trunks leave the starting plateau where they otherwise
// stay at chance. The running mean and variance (momentum 0.1, ε 1e-5)
// kept while training replace the batch statistics for validation and
// prediction: they are folded into each hidden layer's weights
// (W′ = W·γ/√(σ²+ε), b′ = (b − μ)·γ/√(σ²+ε) + β), so a trained model,
// its file and its predictions are those of an ordinary network.
//
// Cost: training only, about one more pass over each hidden layer's
// outputs forward and two backward, 4 values per hidden unit for γ, β and
// the running statistics (and Adam's moments of them), and one copy of
// the weights for validation; prediction costs nothing more. The
// training history's Params counts the 4 values per normalised unit too. Validation
// scores (early stopping, best epoch) are those of the folded network.
// It applies to MLP learners (and so an Ensemble's default learners) and
// to a MultiHead's Fit, not to a TrainingGraph of a custom loop.
func WithBatchNorm(on bool) Option {
	return func(c *config) error { c.BatchNorm = on; return nil }
}

// WithParallelism bounds how many sites of an Ensemble Fit trains at once;
// default GOMAXPROCS. n < 1 is ErrConfig.
func WithParallelism(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: parallelism %d", ErrConfig, n)
		}
		c.parallel = n
		return nil
	}
}

// WithLearner makes an Ensemble's base learners with f instead of MLP
// learners built from the other options (nil: back to MLPs). f must give
// the same learner for the same site wherever it is called, so that sites
// trained apart assemble into the same model.
func WithLearner(f LearnerFactory) Option {
	return func(c *config) error { c.factory = f; return nil }
}

// WithLearnerDecoder lets Load, Unmarshal and LoadSite read base learners
// saved under kind (Saveable.Kind) with decode; "mlp" is known already.
// An empty kind or a nil decode is ErrConfig.
func WithLearnerDecoder(kind string, decode func(data []byte) (Learner, error)) Option {
	return func(c *config) error {
		if kind == "" || decode == nil {
			return fmt.Errorf("%w: learner decoder for kind %q", ErrConfig, kind)
		}
		if c.decoders == nil {
			c.decoders = map[string]func([]byte) (Learner, error){}
		}
		c.decoders[kind] = decode
		return nil
	}
}
