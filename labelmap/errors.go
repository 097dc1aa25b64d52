package labelmap

import (
	"errors"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/lmcore"
)

// The module's sentinel errors: the values of package labelcode (which
// documents them) and of every package that re-exports them, so that
// errors.Is matches whichever package returned them. They are wrapped
// with fmt.Errorf("...: %w", err); test for them with errors.Is.
// ErrLabelRange holds whichever bound a label breaks (codes.ErrLabelRange
// and labelcode.ErrLabelRange are the same value); ErrTooLarge is wrapped
// with the field and the limit.
var (
	ErrNotFitted  = limits.ErrNotFitted // predicting with a model (or a site) not trained or loaded
	ErrLabelRange = codes.ErrLabelRange // a training label outside [0, K) of the mapping or [0, Classes)
	ErrInput      = limits.ErrInput     // an input row, or data, of a width other than the model's
	ErrConfig     = limits.ErrConfig    // a bad option value (a width, epochs or batch size below 1, ...)
	ErrDiverged   = limits.ErrDiverged  // the training loss became NaN or infinite
	ErrTooLarge   = limits.ErrTooLarge  // more weights than WithMaxWeights, or a size a file cannot hold
)

// Sentinel errors of this package (those of the graph-free core,
// internal/lmcore, where it has them).
var (
	// ErrScoreCount: a learner returned a number of scores other than its
	// site's alphabet size.
	ErrScoreCount = lmcore.ErrScoreCount
	// ErrNaNScore: a learner returned a NaN or +Inf log-probability.
	ErrNaNScore = lmcore.ErrNaNScore
	// ErrSite: a site index outside [0, Sites()), or a site file whose
	// mapping differs from the ensemble's.
	ErrSite = errors.New("labelmap: bad site")
	// ErrCorrupt: a model file that is not one, is truncated, fails its
	// checksum, or holds inconsistent data.
	ErrCorrupt = lmcore.ErrCorrupt
	// ErrVersion: a model file written by another format version.
	ErrVersion = lmcore.ErrVersion
	// ErrNotSaveable: a learner that does not implement Saveable, or whose
	// kind has no decoder at load time.
	ErrNotSaveable = lmcore.ErrNotSaveable
)
