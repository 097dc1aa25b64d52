package limits

import "errors"

// The module's sentinel errors besides ErrTooLarge and ErrLabelRange. Each
// is one value, re-exported under the same name by the public packages that
// return it, so that errors.Is(err, pkg.ErrX) holds whichever package
// returned the error and whichever package's name the caller uses.
var (
	// ErrConfig reports an invalid option, network shape or configuration.
	ErrConfig = errors.New("labelcode: invalid configuration")
	// ErrShape reports data whose width, row count or class count does not
	// match the model or the other data.
	ErrShape = errors.New("labelcode: shape mismatch")
	// ErrInput reports an input row that a model cannot take: the wrong
	// width, or a NaN or infinite value.
	ErrInput = errors.New("labelcode: bad input row")
	// ErrNotFitted reports a model used before it was trained or loaded.
	ErrNotFitted = errors.New("labelcode: model not fitted")
	// ErrNonFinite reports a NaN or infinite feature value or weight.
	ErrNonFinite = errors.New("labelcode: non-finite value")
	// ErrDiverged reports a training loss that became NaN or infinite.
	ErrDiverged = errors.New("labelcode: training diverged")
)
