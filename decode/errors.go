package decode

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/labelcode/labelcode/internal/limits"
)

// Scored is a label with its score. For max-product decoding the score is
// the log-probability sum Σ_i logp[i][f_i(label)]; for the binary decoders
// it is what their doc says (always: higher is better).
type Scored struct {
	Label int
	Score float64
}

// Sentinel errors. They are wrapped with fmt.Errorf("...: %w", err), so test
// for them with errors.Is.
var (
	// ErrSiteCount: logp does not have one entry per site of the mapping.
	ErrSiteCount = errors.New("decode: wrong number of sites")
	// ErrVectorLength: a site's score vector is not as long as the site's
	// alphabet, or a vector of bit scores is not one entry per bit.
	ErrVectorLength = errors.New("decode: score vector has the wrong length")
	// ErrScore: a score is NaN or +Inf (−Inf is a legal log-probability of
	// 0), or a probability lies outside [0, 1].
	ErrScore = errors.New("decode: score is NaN or +Inf")
	// ErrNoSites: every site is missing (nil), so nothing tells labels apart.
	ErrNoSites = errors.New("decode: every site is missing")
	// ErrCode: a binary code does not have the decoder's number of bits
	// (wrong number of words, or unused high bits set).
	ErrCode = errors.New("decode: bad binary code")
	// ErrShape: a decoder's parameters do not fit together (weights and
	// bias of different lengths, labels for a different number of stored
	// codes, zero classes or bits).
	ErrShape = limits.ErrShape
	// ErrLabel: a label given to a decoder's constructor is negative or not
	// below its number of classes. It is the same value as
	// labelcode.ErrLabelRange and codes.ErrLabelRange.
	ErrLabel = limits.ErrLabelRange
	// ErrParam: a bad constructor argument (k < 1, table too large, a
	// mapping whose sites are not all binary, an unknown loss).
	ErrParam = errors.New("decode: bad parameter")
	// ErrTooLarge: a decoder's tables would exceed a documented limit
	// (MaxECOCWords), or their size overflows; the error names the size
	// and the limit. It is the same value in every package of this
	// module, so errors.Is matches it under any package's name.
	ErrTooLarge = limits.ErrTooLarge
)

// isNil reports whether x is nil or an interface holding a nil pointer
// (or map, slice, func, channel): a typed nil that would panic on its
// first method call, so constructors refuse it with an error instead.
func isNil(x any) bool {
	if x == nil {
		return true
	}
	switch v := reflect.ValueOf(x); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// hugeScore bounds the finite scores the bounded searches handle: with every
// |score| < 2^1000 a sum of up to 2^20 of them cannot overflow, so rounding
// error bounds hold. Inputs with larger finite scores are decoded by the
// exhaustive scan, which gives the reference answer whatever the magnitude.
const hugeScore = 0x1p1000

// scanInfo is what checking one site's vector finds.
type scanInfo struct {
	max  float64 // largest score, −Inf if all are
	huge bool    // a finite score with |x| >= hugeScore
}

// Exponent field of a float64 and the smallest exponent field of a value
// with |x| >= hugeScore; NaN and ±Inf have the largest field, 0x7ff.
const (
	expMask  = uint64(0x7ff) << 52
	hugeBits = uint64(1023+1000) << 52
)

// checkVector returns an ErrScore error for the first NaN or +Inf of v and
// reports its maximum and whether it holds a huge finite value.
func checkVector(site int, v []float64) (scanInfo, error) {
	info := scanInfo{max: math.Inf(-1)}
	var maxExp uint64
	for _, x := range v {
		// The largest exponent field tells, after the loop, whether any
		// value needs a closer look: branch-free in the loop.
		maxExp = max(maxExp, math.Float64bits(x)&expMask)
		if x > info.max {
			info.max = x
		}
	}
	if maxExp >= hugeBits {
		return checkSpecial(site, v, info)
	}
	return info, nil
}

// checkSpecial classifies the values of v that are NaN, ±Inf or huge: an
// ErrScore error for the first NaN or +Inf, else info with huge set if a
// finite |x| >= hugeScore occurs.
func checkSpecial(site int, v []float64, info scanInfo) (scanInfo, error) {
	for j, x := range v {
		if math.Float64bits(x)&expMask < hugeBits {
			continue
		}
		if err := badScore(site, j, x); err != nil {
			return info, err
		}
		info.huge = info.huge || !math.IsInf(x, -1)
	}
	return info, nil
}

// badScore returns the error for a NaN or +Inf score, nil for anything else.
func badScore(site, j int, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 1) {
		return fmt.Errorf("decode: site %d symbol %d: score %v: %w", site, j, x, ErrScore)
	}
	return nil
}

// checkShape checks the number of sites and each present vector's length
// against the alphabet sizes q, and that at least one site is present.
func checkShape(q []int, logp [][]float64) error {
	if len(logp) != len(q) {
		return fmt.Errorf("decode: %d score vectors for %d sites: %w", len(logp), len(q), ErrSiteCount)
	}
	present := 0
	for i, v := range logp {
		if v == nil {
			continue
		}
		present++
		if len(v) != q[i] {
			return fmt.Errorf("decode: site %d: %d scores for an alphabet of %d: %w", i, len(v), q[i], ErrVectorLength)
		}
	}
	if present == 0 {
		return fmt.Errorf("decode: %d sites: %w", len(q), ErrNoSites)
	}
	return nil
}
