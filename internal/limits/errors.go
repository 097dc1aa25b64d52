package limits

import "errors"

// The module's sentinel errors besides ErrTooLarge and ErrLabelRange. Each
// is one value, re-exported under the same name by the public packages that
// return it, so that errors.Is(err, pkg.ErrX) holds whichever package
// returned the error and whichever package's name the caller uses.
var (
	ErrConfig    = errors.New("labelcode: invalid configuration") // an invalid option, network shape or configuration
	ErrShape     = errors.New("labelcode: shape mismatch")        // width, rows or classes that do not match the model or the other data
	ErrInput     = errors.New("labelcode: bad input row")         // a row of the wrong width, or with a NaN or infinite value
	ErrNotFitted = errors.New("labelcode: model not fitted")      // a model used before it was trained or loaded
	ErrNonFinite = errors.New("labelcode: non-finite value")      // a NaN or infinite feature value or weight
	ErrDiverged  = errors.New("labelcode: training diverged")     // a training loss that became NaN or infinite
)
