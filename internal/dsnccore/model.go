package dsnccore

import (
	"fmt"
	"math"

	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors of the model file; package dsnc exports the same values
// under the same names, so errors.Is works across both. The module's
// sentinels (ErrConfig, ErrShape, ErrNotFitted, ErrNonFinite, ErrInput)
// are used from internal/limits, which dsnc re-exports.
var (
	// ErrFormat reports data that is not a DSNC model file: the file
	// container's ErrFormat, which ErrTruncated and ErrCorrupt wrap.
	ErrFormat = container.ErrFormat
	// ErrVersion reports a DSNC model file of a version this package does
	// not read (the file container's ErrVersion).
	ErrVersion = container.ErrVersion
	// ErrTruncated reports a model file that ends early (the file
	// container's ErrTruncated).
	ErrTruncated = container.ErrTruncated
	// ErrCorrupt reports a model file whose checksum or content is wrong;
	// it wraps ErrFormat.
	ErrCorrupt = fmt.Errorf("%w: corrupt DSNC model", container.ErrFormat)
)

const (
	// MaxBits is the longest code.
	MaxBits = 4096
	// MaxTableBits is the longest code TableDecoding accepts.
	MaxTableBits = 24
)

// Config is the shape of a DSNC network, field for field dsnc.Config:
// Features inputs, Hidden ReLU widths, a code of Bits bits, Classes
// classes; Symmetric says the decoder was trained on 2b − 1; MaxWeights
// bounds the weights and biases (0: limits.DefaultMaxWeights).
type Config struct {
	Features, Bits, Classes int
	Hidden                  []int
	Symmetric               bool
	MaxWeights              int
}

// Validate returns limits.ErrConfig, wrapped, when a width is out of range or
// MaxWeights is negative, with ErrTooLarge when a width exceeds MaxDim or
// the weights exceed the limit. Cost O(len(Hidden)).
func (c Config) Validate() error {
	if err := c.ValidateShape(); err != nil {
		return err
	}
	if c.MaxWeights < 0 {
		return fmt.Errorf("%w: MaxWeights = %d is negative", limits.ErrConfig, c.MaxWeights)
	}
	if _, err := c.Weights(c.Limit()); err != nil {
		return fmt.Errorf("%w: network weights: %w", limits.ErrConfig, err)
	}
	return nil
}

// ValidateShape checks every width on its own: positive, and at most
// MaxDim (MaxBits for the code).
func (c Config) ValidateShape() error {
	switch {
	case c.Features <= 0:
		return fmt.Errorf("%w: %d features", limits.ErrConfig, c.Features)
	case c.Bits <= 0 || c.Bits > MaxBits:
		return fmt.Errorf("%w: %d bits, want 1..%d", limits.ErrConfig, c.Bits, MaxBits)
	case c.Classes < 2:
		return fmt.Errorf("%w: %d classes, want at least 2", limits.ErrConfig, c.Classes)
	}
	for i, h := range c.Hidden {
		if h <= 0 {
			return fmt.Errorf("%w: hidden layer %d has width %d", limits.ErrConfig, i, h)
		}
	}
	if err := limits.Check("features", c.Features, limits.MaxDim); err != nil {
		return fmt.Errorf("%w: %w", limits.ErrConfig, err)
	}
	if err := limits.Check("classes", c.Classes, limits.MaxDim); err != nil {
		return fmt.Errorf("%w: %w", limits.ErrConfig, err)
	}
	for i, h := range c.Hidden {
		if err := limits.Check(fmt.Sprintf("hidden layer %d width", i), h, limits.MaxDim); err != nil {
			return fmt.Errorf("%w: %w", limits.ErrConfig, err)
		}
	}
	return nil
}

// Limit returns the weight limit: MaxWeights, or limits.DefaultMaxWeights
// when it is 0.
func (c Config) Limit() int {
	if c.MaxWeights > 0 {
		return c.MaxWeights
	}
	return limits.DefaultMaxWeights
}

// Weights returns the number of weights and biases of the network, the
// chain Features → Hidden... → Bits → Classes, checked against limit
// without overflow. The widths must have passed ValidateShape.
func (c Config) Weights(limit int) (int, error) {
	return limits.Weights(limit, append(c.Widths(), c.Classes)...)
}

// Widths returns the input width followed by the output width of every
// encoder layer: Features, Hidden..., Bits.
func (c Config) Widths() []int {
	w := append([]int{c.Features}, c.Hidden...)
	return append(w, c.Bits)
}

// Layer is one dense layer, y = x·W + B, W In×Out row-major; W and B are
// both []float32 or both []float64 (the model's dtype).
type Layer struct {
	In, Out int
	W, B    any
}

// Float32 returns copies of W and B converted to float32.
func (l Layer) Float32() (w, b []float32) { return toFloat32(l.W), toFloat32(l.B) }

func toFloat32(d any) []float32 { return convert[float32](d) }

// ToFloat64 returns a float64 copy of a []float32 or []float64.
func ToFloat64(d any) []float64 { return convert[float64](d) }

// convert returns a copy of a []float32 or []float64 as a []T (nil for
// an empty slice of T).
func convert[T float32 | float64](d any) []T {
	switch v := d.(type) {
	case []T:
		return append([]T(nil), v...)
	case []float32:
		return cast[T](v)
	case []float64:
		return cast[T](v)
	}
	panic(fmt.Sprintf("dsnc: unsupported weight type %T", d))
}

func cast[T, U float32 | float64](v []U) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// size returns the length of a []float32 or []float64 of dtype (8 for
// float64, else 4), or -1 for another type.
func size(d any, float64s bool) int {
	switch v := d.(type) {
	case []float32:
		if !float64s {
			return len(v)
		}
	case []float64:
		if float64s {
			return len(v)
		}
	}
	return -1
}

func (l Layer) finite() bool {
	for _, t := range []any{l.W, l.B} {
		switch d := t.(type) {
		case []float32:
			for _, v := range d {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return false
				}
			}
		case []float64:
			for _, v := range d {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
		}
	}
	return true
}

// Model is a DSNC network without the graph: its configuration, dtype
// (Float64, else float32), encoder layers, decoder, and the distinct
// training codes with their labels (hamming's packing, hamming.Words(Bits)
// words per code).
type Model struct {
	Config     Config
	Float64    bool
	Encoder    []Layer
	Decoder    Layer
	Codes      []uint64
	CodeLabels []int
}

// Layers returns the encoder layers followed by the decoder.
func (m *Model) Layers() []Layer { return append(append([]Layer(nil), m.Encoder...), m.Decoder) }

// Check verifies that m is not nil, that its config is valid, that the
// layers match the config and dtype, that every weight is finite and that
// the training codes fit the config.
func (m *Model) Check() error {
	if m == nil {
		return fmt.Errorf("%w: nil model", limits.ErrConfig)
	}
	if err := m.Config.Validate(); err != nil {
		return err
	}
	w := m.Config.Widths()
	if len(m.Encoder) != len(w)-1 {
		return fmt.Errorf("%w: %d encoder layers for %d hidden widths", limits.ErrShape, len(m.Encoder), len(m.Config.Hidden))
	}
	dtype := "float32"
	if m.Float64 {
		dtype = "float64"
	}
	for i, l := range m.Layers() {
		in, out := m.Config.Bits, m.Config.Classes
		if i < len(m.Encoder) {
			in, out = w[i], w[i+1]
		}
		if l.In != in || l.Out != out || size(l.W, m.Float64) != in*out || size(l.B, m.Float64) != out {
			return fmt.Errorf("%w: layer %d is not %d×%d of %v", limits.ErrShape, i, in, out, dtype)
		}
		if !l.finite() {
			return fmt.Errorf("%w: layer %d has a NaN or infinite weight", limits.ErrNonFinite, i)
		}
	}
	if len(m.CodeLabels)*hamming.Words(m.Config.Bits) != len(m.Codes) {
		return fmt.Errorf("%w: %d code words for %d code labels", limits.ErrShape, len(m.Codes), len(m.CodeLabels))
	}
	for _, y := range m.CodeLabels {
		if y < 0 || y >= m.Config.Classes {
			return fmt.Errorf("%w: code label %d outside [0, %d)", limits.ErrShape, y, m.Config.Classes)
		}
	}
	return nil
}

// CheckCodes verifies that no training code has its unused high bits set.
func CheckCodes(m *Model) error {
	words := hamming.Words(m.Config.Bits)
	if r := m.Config.Bits % 64; r != 0 {
		for i := words - 1; i < len(m.Codes); i += words {
			if m.Codes[i]>>r != 0 {
				return fmt.Errorf("%w: training code %d has bits set beyond %d", limits.ErrShape, i/words, m.Config.Bits)
			}
		}
	}
	return nil
}

// BinaryDecoder returns the decoder that maps codes b in {0, 1} to class
// scores: Decoder itself, unless Config.Symmetric, in which case the
// decoder of s = 2b − 1 is folded into W′ = 2W and B′ = B − Σ_j W_j (W_j
// the row of bit j), so that b·W′ + B′ = (2b − 1)·W + B. The folded sums
// are taken in float64 and rounded once to the model's dtype. Cost
// O(Bits·Classes) when folding.
func (m *Model) BinaryDecoder() Layer {
	if !m.Config.Symmetric {
		return m.Decoder
	}
	in, out := m.Decoder.In, m.Decoder.Out
	w, b := ToFloat64(m.Decoder.W), ToFloat64(m.Decoder.B)
	for j := range in {
		row := w[j*out : (j+1)*out]
		for k, v := range row {
			b[k] -= v
			row[k] = 2 * v
		}
	}
	if m.Float64 {
		return Layer{In: in, Out: out, W: w, B: b}
	}
	return Layer{In: in, Out: out, W: toFloat32(w), B: toFloat32(b)}
}
