package codes

import (
	"fmt"
	"math/bits"
)

// Binary is the binary representation of the label, the ECOC baseline of
// the LM paper: ceil(log2 K) sites of 2 classes, bit i = (y >> i) & 1
// (least significant bit at site 0). Its minimum distance is 1.
type Binary struct {
	classes, bits int
}

// NewBinary returns the binary code of K = classes labels with
// ceil(log2 K) bits. It returns ErrTooFewClasses or ErrTooManyClasses for K
// outside [2, MaxClasses].
func NewBinary(classes int) (*Binary, error) {
	if err := checkClasses(classes); err != nil {
		return nil, fmt.Errorf("codes: NewBinary: %w", err)
	}
	return &Binary{classes: classes, bits: bits.Len(uint(classes - 1))}, nil
}

// Classes returns K.
func (m *Binary) Classes() int { return m.classes }

// Sites returns the number of bits, ceil(log2 K).
func (m *Binary) Sites() int { return m.bits }

// Bits returns the number of bits, ceil(log2 K); the same as Sites.
func (m *Binary) Bits() int { return m.bits }

// SiteClasses returns 2; it panics if site is outside [0, Bits()).
func (m *Binary) SiteClasses(site int) int {
	if site < 0 || site >= m.bits {
		panic(fmt.Sprintf("codes: Binary.SiteClasses: site %d of %d", site, m.bits))
	}
	return 2
}

// Encode writes bit i = (label >> i) & 1 into dst[i] (dst grown when too
// short) and returns dst; it allocates nothing when cap(dst) >= Bits(). It
// returns ErrLabelRange if label is outside [0, K). Cost: O(Bits()).
func (m *Binary) Encode(label int, dst []int) ([]int, error) {
	if label < 0 || label >= m.classes {
		return dst, labelError(label, m.classes)
	}
	dst = grow(dst, m.bits)
	for i := range dst {
		dst[i] = (label >> i) & 1
	}
	return dst, nil
}

// Decode returns Σ symbols[i]·2^i. It panics if len(symbols) != Bits(),
// returns ErrSymbolRange if a symbol is not 0 or 1, and ErrNotCodeword if
// the value is >= K.
func (m *Binary) Decode(symbols []int) (int, error) {
	checkLength("Binary.Decode", len(symbols), m.bits)
	y := 0
	for i, s := range symbols {
		if s != 0 && s != 1 {
			return 0, fmt.Errorf("codes: Binary.Decode: symbol %d at site %d is not a bit: %w", s, i, ErrSymbolRange)
		}
		y |= s << i
	}
	if y >= m.classes {
		return 0, errDecodeWord
	}
	return y, nil
}
