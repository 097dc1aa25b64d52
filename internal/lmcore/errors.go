package lmcore

import (
	"errors"

	"github.com/labelcode/labelcode/internal/container"
)

// Sentinel errors; package labelmap exports the same values under the same
// names, so errors.Is works across both. The module's sentinels
// (ErrNotFitted, ErrInput, ErrConfig) are used from internal/limits, which
// labelmap re-exports.
var (
	// ErrScoreCount: a learner returned a number of scores other than its
	// site's alphabet size.
	ErrScoreCount = errors.New("labelmap: learner returned the wrong number of scores")
	// ErrNaNScore: a learner returned a NaN or +Inf log-probability.
	ErrNaNScore = errors.New("labelmap: learner returned a NaN or +Inf score")
	// ErrCorrupt: a model file that is not one, is truncated, fails its
	// checksum, or holds inconsistent data. It is the file container's
	// ErrFormat (internal/container), the value every loader returns.
	ErrCorrupt = container.ErrFormat
	// ErrVersion: a model file written by another format version (the
	// file container's ErrVersion).
	ErrVersion = container.ErrVersion
	// ErrNotSaveable: a learner that does not implement Saveable, or whose
	// kind has no decoder at load time.
	ErrNotSaveable = errors.New("labelmap: learner cannot be saved or loaded")
)
