// Package limits holds the size and range limits, the overflow-safe size
// arithmetic that every constructor, loader and reader of the module checks
// before it allocates, and the sentinel errors for breaking them, defined
// once here and re-exported by the public packages. A size read from a file or passed by a caller is
// checked here first, so a crafted header or a typo in a class count is an
// error wrapping ErrTooLarge, never an out-of-memory crash or a makeslice
// panic.
package limits

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// ErrTooLarge is returned, wrapped with the name of the field and the limit
// it broke, when a size exceeds a documented limit or its arithmetic would
// overflow. The public packages re-export this one value (labelcode,
// codes, hamming, decode, dsnc and labelmap all name it ErrTooLarge), so
// errors.Is(err, pkg.ErrTooLarge) holds whichever package's name is used.
var ErrTooLarge = errors.New("labelcode: size too large")

// ErrLabelRange is returned, wrapped with the label and the range, for a
// label outside [0, K): in a dataset, a LIBSVM file, a mapping's Encode, a
// reconstruction whose value is not below K, or a decoder's parameters.
// labelcode, codes, decode (as ErrLabel) and labelmap re-export this one
// value, so errors.Is(err, X.ErrLabelRange) holds whichever package's name
// is used and whichever bound the label breaks.
var ErrLabelRange = errors.New("labelcode: label out of range")

// DefaultMaxWeights is the default bound on the number of float32
// parameters of one model (2^28: 1 GiB of weights, about 25 times a one-hot
// softmax over 20,902 classes from 512 hidden units). Constructors take an
// option to raise it.
const DefaultMaxWeights = 1 << 28

// MaxDim bounds every single dimension (features, hidden width, classes,
// bits) of a network: 2^31 − 1, so that products of two dimensions fit in
// an int64 and indices fit in an int32.
const MaxDim = math.MaxInt32

// Mul returns a*b and whether the product is exact: false when either
// factor is negative or the product overflows an int.
func Mul(a, b int) (int, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// Add returns a+b and whether the sum is exact: false when either term is
// negative or the sum overflows an int.
func Add(a, b int) (int, bool) {
	if a < 0 || b < 0 || a > math.MaxInt-b {
		return 0, false
	}
	return a + b, true
}

// Check returns nil when 0 <= n <= limit, and otherwise an error wrapping
// ErrTooLarge that names the field, its value and the limit.
func Check(field string, n, limit int) error {
	if n < 0 {
		return fmt.Errorf("%w: %s = %d is negative", ErrTooLarge, field, n)
	}
	if n > limit {
		return fmt.Errorf("%w: %s = %d exceeds the limit %d", ErrTooLarge, field, n, limit)
	}
	return nil
}

// Product returns the product of ns, checked against limit: an error
// wrapping ErrTooLarge names the field when any factor is negative, the
// product overflows, or it exceeds limit.
func Product(field string, limit int, ns ...int) (int, error) {
	p := 1
	for _, n := range ns {
		var ok bool
		if p, ok = Mul(p, n); !ok {
			return 0, fmt.Errorf("%w: %s %v overflows or is negative", ErrTooLarge, field, ns)
		}
	}
	if p > limit {
		return 0, fmt.Errorf("%w: %s = %d exceeds the limit %d", ErrTooLarge, field, p, limit)
	}
	return p, nil
}

// Weights returns the number of weights and biases of a chain of dense
// layers with the given widths (input first), checked against limit. Each
// width must be in [1, MaxDim].
func Weights(limit int, widths ...int) (int, error) {
	total := 0
	for i, w := range widths {
		if w < 1 || w > MaxDim {
			return 0, fmt.Errorf("%w: layer width %d = %d is outside [1, %d]", ErrTooLarge, i, w, MaxDim)
		}
		if i == 0 {
			continue
		}
		n, ok := Mul(widths[i-1]+1, w)
		if !ok {
			return 0, fmt.Errorf("%w: layer %d (%d×%d) overflows", ErrTooLarge, i, widths[i-1], w)
		}
		if total, ok = Add(total, n); !ok {
			return 0, fmt.Errorf("%w: weight count overflows", ErrTooLarge)
		}
	}
	if total > limit {
		return 0, fmt.Errorf("%w: %d weights exceed the limit %d (raise it with the model's max-weights option)", ErrTooLarge, total, limit)
	}
	return total, nil
}
