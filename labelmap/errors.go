package labelmap

import (
	"errors"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/lmcore"
)

// Sentinel errors (those of the graph-free core, internal/lmcore, where
// it has them). They are wrapped with fmt.Errorf("...: %w", err); test
// for them with errors.Is.
var (
	// ErrNotFitted: predicting with a model (or a site) that has not been
	// trained or loaded.
	ErrNotFitted = limits.ErrNotFitted
	// ErrLabelRange: a training label outside [0, K) of the mapping or
	// outside [0, Classes) of the dataset (one value: codes.ErrLabelRange
	// and labelcode.ErrLabelRange are the same).
	ErrLabelRange = codes.ErrLabelRange
	// ErrScoreCount: a learner returned a number of scores other than its
	// site's alphabet size.
	ErrScoreCount = lmcore.ErrScoreCount
	// ErrNaNScore: a learner returned a NaN or +Inf log-probability.
	ErrNaNScore = lmcore.ErrNaNScore
	// ErrInput: an input row of the wrong width, or data whose width
	// differs from what the model was trained on.
	ErrInput = limits.ErrInput
	// ErrSite: a site index outside [0, Sites()), or a site file whose
	// mapping differs from the ensemble's.
	ErrSite = errors.New("labelmap: bad site")
	// ErrConfig: a bad option value (a non-positive width, epochs or batch
	// size, a learning rate that is not positive and finite), the same
	// value as dsnc.ErrConfig.
	ErrConfig = limits.ErrConfig
	// ErrDiverged: the training loss became NaN or infinite.
	ErrDiverged = limits.ErrDiverged
	// ErrCorrupt: a model file that is not one, is truncated, fails its
	// checksum, or holds inconsistent data.
	ErrCorrupt = lmcore.ErrCorrupt
	// ErrVersion: a model file written by another format version.
	ErrVersion = lmcore.ErrVersion
	// ErrNotSaveable: a learner that does not implement Saveable, or whose
	// kind has no decoder at load time.
	ErrNotSaveable = lmcore.ErrNotSaveable
	// ErrTooLarge: a network with more weights than its limit
	// (WithMaxWeights), or a size in a model file or a caller's value
	// whose arithmetic overflows or exceeds what the data hold; wrapped
	// with the field and the limit. It is the same value in every package
	// of this module.
	ErrTooLarge = limits.ErrTooLarge
)
