package labelmap

import (
	"errors"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors. They are wrapped with fmt.Errorf("...: %w", err); test
// for them with errors.Is.
var (
	// ErrNotFitted: predicting with a model (or a site) that has not been
	// trained or loaded.
	ErrNotFitted = errors.New("labelmap: not fitted")
	// ErrLabelRange is codes.ErrLabelRange: a training label outside
	// [0, K) of the mapping.
	ErrLabelRange = codes.ErrLabelRange
	// ErrScoreCount: a learner returned a number of scores other than its
	// site's alphabet size.
	ErrScoreCount = errors.New("labelmap: learner returned the wrong number of scores")
	// ErrNaNScore: a learner returned a NaN or +Inf log-probability.
	ErrNaNScore = errors.New("labelmap: learner returned a NaN or +Inf score")
	// ErrInput: an input row of the wrong width, or data whose width
	// differs from what the model was trained on.
	ErrInput = errors.New("labelmap: input has the wrong width")
	// ErrSite: a site index outside [0, Sites()), or a site file whose
	// mapping differs from the ensemble's.
	ErrSite = errors.New("labelmap: bad site")
	// ErrOption: a bad option value (a non-positive width, epochs or batch
	// size, a learning rate that is not positive and finite).
	ErrOption = errors.New("labelmap: bad option")
	// ErrCorrupt: a model file that is not one, is truncated, fails its
	// checksum, or holds inconsistent data.
	ErrCorrupt = errors.New("labelmap: corrupt model file")
	// ErrVersion: a model file written by another format version.
	ErrVersion = errors.New("labelmap: unsupported model file version")
	// ErrNotSaveable: a learner that does not implement Saveable, or whose
	// kind has no decoder at load time.
	ErrNotSaveable = errors.New("labelmap: learner cannot be saved or loaded")
	// ErrTooLarge: a network with more weights than its limit (MaxWeights,
	// EnsembleMaxWeights), or a size in a model file or a caller's value
	// whose arithmetic overflows or exceeds what the data hold; wrapped
	// with the field and the limit. It is the same value in every package
	// of this module.
	ErrTooLarge = limits.ErrTooLarge
)
