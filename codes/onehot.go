package codes

import "fmt"

// OneHot is the plain softmax code: one site whose alphabet is the K labels,
// symbol 0 = y. It is the baseline every other mapping is compared against.
type OneHot struct {
	classes int
}

// NewOneHot returns the one-site code of K = classes labels. It returns
// ErrTooFewClasses or ErrTooManyClasses for K outside [2, MaxClasses].
func NewOneHot(classes int) (*OneHot, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewOneHot: %w", err)
	}
	return &OneHot{classes: classes}, nil
}

// Classes returns K.
func (m *OneHot) Classes() int { return m.classes }

// Sites returns 1.
func (m *OneHot) Sites() int { return 1 }

// SiteClasses returns K for site 0 and panics for any other site.
func (m *OneHot) SiteClasses(site int) int {
	if site != 0 {
		panic(fmt.Sprintf("codes: OneHot.SiteClasses: site %d of 1", site))
	}
	return m.classes
}

// Encode writes [label] into dst (grown when too short) and returns it; it
// allocates nothing when cap(dst) >= 1. It returns ErrLabelRange if label is
// outside [0, K).
func (m *OneHot) Encode(label int, dst []int) ([]int, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	dst = grow(dst, 1)
	dst[0] = label
	return dst, nil
}

// Decode returns symbols[0]. It panics if len(symbols) != 1 and returns
// ErrSymbolRange if the symbol is outside [0, K).
func (m *OneHot) Decode(symbols []int) (int, error) {
	checkLength("OneHot.Decode", len(symbols), 1)
	if s := symbols[0]; s < 0 || s >= m.classes {
		return 0, fmt.Errorf("codes: OneHot.Decode: symbol %d outside [0, %d): %w", s, m.classes, ErrSymbolRange)
	}
	return symbols[0], nil
}
