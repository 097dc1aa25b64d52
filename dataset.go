package labelcode

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors. Each is one value for the whole module: the packages
// that return one re-export it under the same name (dsnc.ErrConfig,
// labelmap.ErrConfig and labelcode.ErrConfig are equal), so errors.Is(err,
// labelcode.ErrX) holds whichever package returned the error.
var (
	// ErrEmpty reports a dataset with no rows or no features.
	ErrEmpty = errors.New("labelcode: empty dataset")
	// ErrShape reports feature data whose length does not match rows ×
	// features, or data whose width or classes do not match a model's.
	ErrShape = limits.ErrShape
	// ErrLabelRange reports a label outside [0, Classes). It is the same
	// value as codes.ErrLabelRange, decode.ErrLabel and
	// labelmap.ErrLabelRange.
	ErrLabelRange = limits.ErrLabelRange
	// ErrNonFinite reports a NaN or infinite feature value.
	ErrNonFinite = limits.ErrNonFinite
	// ErrFraction reports split fractions that are negative or sum above 1.
	ErrFraction = errors.New("labelcode: invalid split fraction")
	// ErrTooLarge reports a size beyond a documented limit, or whose
	// arithmetic would overflow: a LIBSVM file or option whose dense matrix
	// exceeds LIBSVMOptions.MaxValues, a row wider than 2^31−1. It is
	// the same value in every package of this module (codes, hamming,
	// decode, dsnc and labelmap re-export it), so errors.Is(err,
	// labelcode.ErrTooLarge) holds whichever package returned it.
	ErrTooLarge = limits.ErrTooLarge
	// ErrConfig reports an invalid option or configuration of a model.
	ErrConfig = limits.ErrConfig
	// ErrInput reports an input row a model cannot take (wrong width, NaN).
	ErrInput = limits.ErrInput
	// ErrNotFitted reports a model used before it was trained or loaded.
	ErrNotFitted = limits.ErrNotFitted
	// ErrDiverged reports a training loss that became NaN or infinite.
	ErrDiverged = limits.ErrDiverged
)

// Dataset is a dense classification dataset: Len() rows of Features float32
// values each, stored row-major in X, and one label in [0, Classes) per row.
//
// A Dataset is a plain value: its slices may be shared with the caller, and
// methods that select rows (Subset, Split) copy them, so a derived dataset
// never aliases its parent.
type Dataset struct {
	// X holds the features row-major: row i is X[i*Features : (i+1)*Features].
	X []float32
	// Y holds one label per row.
	Y []int
	// Features is the width of a row.
	Features int
	// Classes is the number of classes K; every label lies in [0, Classes).
	Classes int
}

// NewDataset wraps x (row-major, len(y) rows of features values) and labels y
// in a Dataset and validates it. The slices are not copied.
//
// It returns ErrEmpty, ErrShape, ErrLabelRange or ErrNonFinite (wrapped, with
// the offending row) when the data are not a valid dataset.
func NewDataset(x []float32, y []int, features, classes int) (*Dataset, error) {
	d := &Dataset{X: x, Y: y, Features: features, Classes: classes}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// Len returns the number of rows.
func (d *Dataset) Len() int { return len(d.Y) }

// Row returns row i of the features, sharing memory with d.X.
func (d *Dataset) Row(i int) []float32 { return d.X[i*d.Features : (i+1)*d.Features] }

// Validate checks that d is non-empty, that X has Len()×Features values, that
// Classes >= 2, that every label lies in [0, Classes) and every feature is
// finite. The error names the first offending row. Cost O(len(X)).
//
// It returns ErrEmpty, ErrShape, ErrLabelRange or ErrNonFinite, wrapped.
func (d *Dataset) Validate() error {
	switch {
	case d == nil:
		return fmt.Errorf("%w: nil dataset", ErrEmpty)
	case len(d.Y) == 0:
		return fmt.Errorf("%w: no rows", ErrEmpty)
	case d.Features <= 0:
		return fmt.Errorf("%w: %d features", ErrEmpty, d.Features)
	case d.Classes < 2:
		return fmt.Errorf("%w: %d classes, need at least 2", ErrLabelRange, d.Classes)
	}
	// The product is checked for overflow: a wrapped product could match a
	// short X, and Row would then slice past it.
	if n, ok := limits.Mul(len(d.Y), d.Features); !ok || len(d.X) != n {
		want := "overflows an int"
		if ok {
			want = fmt.Sprintf("want %d", n)
		}
		return fmt.Errorf("%w: %d feature values for %d rows of %d features (%s)",
			ErrShape, len(d.X), len(d.Y), d.Features, want)
	}
	for i, y := range d.Y {
		if y < 0 || y >= d.Classes {
			return fmt.Errorf("%w: row %d has label %d, classes are [0, %d)", ErrLabelRange, i, y, d.Classes)
		}
	}
	for j, v := range d.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: row %d, feature %d is %v", ErrNonFinite, j/d.Features, j%d.Features, v)
		}
	}
	return nil
}

// Subset returns a new dataset holding copies of the given rows, in order.
// It panics if an index is out of range.
func (d *Dataset) Subset(rows []int) *Dataset {
	s := &Dataset{
		X:        make([]float32, 0, len(rows)*d.Features),
		Y:        make([]int, 0, len(rows)),
		Features: d.Features,
		Classes:  d.Classes,
	}
	for _, r := range rows {
		s.X = append(s.X, d.Row(r)...)
		s.Y = append(s.Y, d.Y[r])
	}
	return s
}

// Split shuffles the rows with the given seed and cuts them into a training,
// a validation and a test set holding the fractions val and test of the rows
// (rounded down) and the rest for training. The DSNC paper's 80/10/10 split
// is Split(0.1, 0.1, seed). The same seed gives the same split.
//
// It returns ErrFraction when a fraction is negative, not finite, or when
// the training set would be empty.
func (d *Dataset) Split(val, test float64, seed uint64) (train, validation, testing *Dataset, err error) {
	if !(val >= 0 && test >= 0 && val+test < 1) {
		return nil, nil, nil, fmt.Errorf("%w: val=%v test=%v, want val, test >= 0 and val+test < 1", ErrFraction, val, test)
	}
	n := d.Len()
	nv, nt := int(val*float64(n)), int(test*float64(n))
	if n-nv-nt <= 0 {
		return nil, nil, nil, fmt.Errorf("%w: %d rows leave no training rows", ErrFraction, n)
	}
	perm := rand.New(rand.NewPCG(seed, 0x6c6162656c636f64)).Perm(n)
	return d.Subset(perm[nv+nt:]), d.Subset(perm[:nv]), d.Subset(perm[nv : nv+nt]), nil
}

// ClassCounts returns how many rows carry each label.
func (d *Dataset) ClassCounts() []int {
	c := make([]int, d.Classes)
	for _, y := range d.Y {
		c[y]++
	}
	return c
}
