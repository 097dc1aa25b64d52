package dsnc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/dsnccore"
	"github.com/labelcode/labelcode/internal/limits"
)

// The sentinel errors are those of the graph-free core (internal/dsnccore),
// so that errors.Is matches whichever package returned them.
var (
	// ErrConfig reports an invalid network shape or training option.
	ErrConfig = dsnccore.ErrConfig
	// ErrShape reports data whose width or class count does not match the model.
	ErrShape = dsnccore.ErrShape
	// ErrNotFitted reports a model without training codes where they are needed
	// (a nearest-neighbour or table decoder, Analysis of the training codes).
	ErrNotFitted = dsnccore.ErrNotFitted
	// ErrNonFinite reports a NaN or infinite weight or loss.
	ErrNonFinite = dsnccore.ErrNonFinite
	// ErrTooLarge reports a size beyond a documented limit (a dimension
	// above MaxDim, a model above its weight limit, a size in a file that
	// the file cannot hold), wrapped with the field and the limit. It is
	// the same value in every package of this module.
	ErrTooLarge = limits.ErrTooLarge
)

const (
	// MaxBits is the largest supported code length.
	MaxBits = dsnccore.MaxBits
	// MaxDim is the largest Features, Classes and hidden width: 2^31 − 1.
	MaxDim = limits.MaxDim
	// DefaultMaxWeights is the number of weights and biases a model may
	// have when Config.MaxWeights is 0: 2^28 (1 GiB of float32).
	// Config.MaxWeights, or WithMaxWeights for Fit, raises it.
	DefaultMaxWeights = limits.DefaultMaxWeights
)

// Config is the shape of a DSNC network: Features inputs, optional ReLU
// hidden layers, a code layer of Bits sigmoid units φ(x), and a linear
// softmax decoder over Classes.
type Config struct {
	// Features is the input width n.
	Features int
	// Hidden holds the widths of ReLU layers between the input and the code
	// layer. The paper uses none: its encoder is linear + sigmoid.
	Hidden []int
	// Bits is the code length c, in [1, MaxBits].
	Bits int
	// Classes is K, at least 2.
	Classes int
	// Symmetric makes the training graph decode the code as s = 2b − 1, in
	// {−1, +1} per bit, instead of b in {0, 1} (WithSymmetricCodes, Fit's
	// default; the zero value here is the paper's {0, 1} form); the
	// Decoder's weights are then those of s. Inference keeps the {0, 1}
	// form: predictors decode with BinaryDecoder, which folds them.
	Symmetric bool
	// MaxWeights bounds the number of weights and biases of the network
	// (encoder layers and decoder, Model.Params): a shape beyond it is an
	// error, not an allocation that takes the process down. 0 means
	// DefaultMaxWeights (2^28).
	MaxWeights int
}

// Validate returns ErrConfig, wrapped, when a width is out of range or
// MaxWeights is negative. When Features, Classes or a hidden width exceeds
// MaxDim (2^31 − 1), or the network's weights and biases,
// Σ (In+1)·Out over the encoder layers and the decoder, exceed MaxWeights
// (DefaultMaxWeights when 0), the error wraps ErrTooLarge as well. It
// allocates only a slice of the widths, so it is safe to call on any
// value before building anything. Cost O(len(Hidden)).
func (c Config) Validate() error { return c.core().Validate() }

// core returns c as the graph-free core's configuration (Hidden shared).
func (c Config) core() dsnccore.Config {
	return dsnccore.Config{Features: c.Features, Hidden: c.Hidden, Bits: c.Bits, Classes: c.Classes, Symmetric: c.Symmetric, MaxWeights: c.MaxWeights}
}

// maxWeights returns the weight limit: MaxWeights, or DefaultMaxWeights
// when it is 0.
func (c Config) maxWeights() int { return c.core().Limit() }

// widths returns Features, Hidden..., Bits.
func (c Config) widths() []int { return c.core().Widths() }

// Layer is one dense layer's parameters, y = x·W + B, with W an In×Out
// matrix and B a vector of Out, both float32.
type Layer struct {
	W, B *tensor.Dense
}

// In returns the layer's input width.
func (l Layer) In() int { return l.W.Shape()[0] }

// Out returns the layer's output width.
func (l Layer) Out() int { return l.W.Shape()[1] }

// Float32 returns copies of W (row-major) and B.
func (l Layer) Float32() (w, b []float32) {
	return dsnccore.Layer{W: l.W.Data(), B: l.B.Data()}.Float32()
}

// core returns l as a graph-free layer sharing its backing slices; a
// layer that is not a matrix gets In = -1, which Check rejects.
func (l Layer) core() dsnccore.Layer {
	if l.W == nil || l.B == nil || len(l.W.Shape()) != 2 {
		return dsnccore.Layer{In: -1}
	}
	return dsnccore.Layer{In: l.In(), Out: l.Out(), W: l.W.Data(), B: l.B.Data()}
}

// layerOf wraps a graph-free layer's slices as tensors, without a copy.
func layerOf(l dsnccore.Layer) Layer {
	return Layer{
		W: tensor.New(tensor.WithShape(l.In, l.Out), tensor.WithBacking(l.W)),
		B: tensor.New(tensor.WithShape(l.Out), tensor.WithBacking(l.B)),
	}
}

func newLayer(in, out int) Layer {
	return Layer{
		W: tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(in, out)),
		B: tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(out)),
	}
}

// initUniform fills W with U(-a, a), a = gain·sqrt(6/(in+out)) (Glorot with
// gain 1, He-like with gain sqrt(2)), and B with zeros.
func (l Layer) initUniform(r *rand.Rand, gain float64) {
	a := gain * math.Sqrt(6/float64(l.In()+l.Out()))
	w := l.W.Data().([]float32)
	for i := range w {
		w[i] = float32((2*r.Float64() - 1) * a)
	}
	l.B.Zero()
}

func (l Layer) clone() Layer {
	return Layer{W: l.W.Clone().(*tensor.Dense), B: l.B.Clone().(*tensor.Dense)}
}

func (l Layer) copyFrom(src Layer) {
	tensor.Copy(l.W, src.W)
	tensor.Copy(l.B, src.B)
}

// Model is a DSNC network's parameters: the encoder layers (hidden ReLU
// layers, then the code layer) and the linear decoder, plus, once set by Fit
// or SetTrainingCodes, the distinct codes the encoder gives the training
// rows and the majority label of each.
//
// The layers' tensors are the parameters themselves: NewNet binds them into
// a graph without copying, so a solver stepping the graph's learnables
// updates the model.
type Model struct {
	// Config is the network's shape.
	Config Config
	// Encoder holds len(Config.Hidden)+1 layers; the last maps to Bits.
	Encoder []Layer
	// Decoder maps a code of Bits to Classes scores.
	Decoder Layer
	// Codes holds the distinct training codes, packed (hamming bit order,
	// Words(Bits) words each), in ascending lexicographic word order.
	Codes []uint64
	// CodeLabels holds, for each code in Codes, the most frequent label of
	// the training rows with that code (ties: the smallest label).
	CodeLabels []int
}

// NewModel returns a float32 model of the given shape with weights drawn
// from seed: He-uniform for the ReLU layers, Glorot-uniform for the code
// and decoder layers, zero biases.
// It returns ErrConfig for an invalid shape, wrapping ErrTooLarge
// as well for a width above MaxDim or more weights than cfg.MaxWeights
// (DefaultMaxWeights when 0): see Config.Validate, which runs before
// anything is allocated.
func NewModel(cfg Config, seed uint64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Hidden = append([]int(nil), cfg.Hidden...)
	r := rand.New(rand.NewPCG(seed, 0x64736e63_696e6974))
	m := &Model{Config: cfg}
	w := cfg.widths()
	for i := 0; i+1 < len(w); i++ {
		l := newLayer(w[i], w[i+1])
		gain := 1.0
		if i+2 < len(w) {
			gain = math.Sqrt2
		}
		l.initUniform(r, gain)
		m.Encoder = append(m.Encoder, l)
	}
	m.Decoder = newLayer(cfg.Bits, cfg.Classes)
	m.Decoder.initUniform(r, 1)
	return m, nil
}

// BinaryDecoder returns the linear decoder as it applies to codes b in
// {0, 1}: Decoder itself, unless Config.Symmetric, in which case the decoder
// of s = 2b − 1 is folded into W′ = 2W and B′ = B − Σ_j W_j (W_j the row of
// bit j), so that b·W′ + B′ = (2b − 1)·W + B. The folded sums are taken in
// float64 and rounded once to float32. Predictors, ValidationAccuracy
// and Fit's validation decode with it. Cost O(Bits·Classes) when folding.
func (m *Model) BinaryDecoder() Layer {
	if !m.Config.Symmetric {
		return m.Decoder
	}
	return layerOf(m.core().BinaryDecoder())
}

// layers returns the encoder layers followed by the decoder.
func (m *Model) layers() []Layer { return append(append([]Layer(nil), m.Encoder...), m.Decoder) }

// Params returns the number of trainable parameters.
func (m *Model) Params() int {
	n := 0
	for _, l := range m.layers() {
		n += l.In()*l.Out() + l.Out()
	}
	return n
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{Config: m.Config, Decoder: m.Decoder.clone()}
	c.Config.Hidden = append([]int(nil), m.Config.Hidden...)
	for _, l := range m.Encoder {
		c.Encoder = append(c.Encoder, l.clone())
	}
	c.Codes = append([]uint64(nil), m.Codes...)
	c.CodeLabels = append([]int(nil), m.CodeLabels...)
	return c
}

// copyWeights copies src's weights into m's tensors in place (same shapes).
func (m *Model) copyWeights(src *Model) {
	for i := range m.Encoder {
		m.Encoder[i].copyFrom(src.Encoder[i])
	}
	m.Decoder.copyFrom(src.Decoder)
}

// check verifies that m is not nil, that its config is valid, that the
// layers are float32 and match the config and that every weight is finite.
func (m *Model) check() error {
	return m.core().Check()
}

// core returns m as a graph-free model sharing its slices (nil for nil).
func (m *Model) core() *dsnccore.Model {
	if m == nil {
		return nil
	}
	c := &dsnccore.Model{Config: m.Config.core(), Decoder: m.Decoder.core(), Codes: m.Codes, CodeLabels: m.CodeLabels}
	for _, l := range m.Encoder {
		c.Encoder = append(c.Encoder, l.core())
	}
	return c
}

// modelOf wraps a graph-free model as a Model sharing its slices. The
// weights of a float64 model (a file can hold them) are rounded to
// float32 copies.
func modelOf(c *dsnccore.Model) *Model {
	cfg := c.Config
	layer := func(l dsnccore.Layer) Layer {
		if c.Float64 {
			l.W, l.B = l.Float32()
		}
		return layerOf(l)
	}
	m := &Model{Config: Config{Features: cfg.Features, Hidden: cfg.Hidden, Bits: cfg.Bits, Classes: cfg.Classes, Symmetric: cfg.Symmetric, MaxWeights: cfg.MaxWeights},
		Decoder: layer(c.Decoder), Codes: c.Codes, CodeLabels: c.CodeLabels}
	for _, l := range c.Encoder {
		m.Encoder = append(m.Encoder, layer(l))
	}
	return m
}

// String summarises the model: shape, parameter counts per layer and
// the number of stored training codes.
func (m *Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DSNC model (float32): %d features → ", m.Config.Features)
	for _, h := range m.Config.Hidden {
		fmt.Fprintf(&b, "%d ReLU → ", h)
	}
	fmt.Fprintf(&b, "%d-bit code → %d classes", m.Config.Bits, m.Config.Classes)
	if m.Config.Symmetric {
		b.WriteString(" (trained on symmetric codes 2b−1)")
	}
	b.WriteString("\n")
	for i, l := range m.layers() {
		name := "decoder"
		switch {
		case i == len(m.Encoder)-1:
			name = "code"
		case i < len(m.Encoder)-1:
			name = fmt.Sprintf("hidden %d", i+1)
		}
		fmt.Fprintf(&b, "  %-9s %6d × %-6d %10d params\n", name, l.In(), l.Out(), l.In()*l.Out()+l.Out())
	}
	fmt.Fprintf(&b, "  total %d params; %d distinct training codes", m.Params(), len(m.CodeLabels))
	return b.String()
}
