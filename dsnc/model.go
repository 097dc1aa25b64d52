package dsnc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/labelcode/labelcode/internal/dsnccore"
	"github.com/labelcode/labelcode/internal/limits"
)

// The module's sentinel errors: the values of package labelcode (which
// documents them) and of every package that re-exports them, so that
// errors.Is matches whichever package returned them. ErrTooLarge is
// wrapped with the field and the limit it breaks.
var (
	ErrConfig    = limits.ErrConfig    // an invalid option or network shape
	ErrShape     = limits.ErrShape     // data whose width or class count does not match the model
	ErrNotFitted = limits.ErrNotFitted // no weights yet, or no training codes for a nearest or table decoder
	ErrNonFinite = limits.ErrNonFinite // a NaN or infinite weight or loss
	ErrDiverged  = limits.ErrDiverged  // a training loss that became NaN or infinite (with ErrNonFinite)
	ErrInput     = limits.ErrInput     // an input row of the wrong width or with a NaN or infinite value
	ErrTooLarge  = limits.ErrTooLarge  // a size above MaxDim, the weight limit, or what a file holds
)

// ErrUnsupported reports a request the model's decoder cannot answer: the
// scores of TopK (and TopKAccuracy with k > 1) from the nearest or table
// decoder, which give one label and no per-class score. It is the value
// of the graph-free core (internal/dsnccore), which package infer wraps.
var ErrUnsupported = dsnccore.ErrUnsupported

const (
	// MaxBits is the largest supported code length.
	MaxBits = dsnccore.MaxBits
	// MaxDim is the largest Features, Classes and hidden width: 2^31 − 1.
	MaxDim = limits.MaxDim
	// DefaultMaxWeights is the number of weights and biases a model may
	// have unless WithMaxWeights raises it: 2^28 (1 GiB of float32).
	DefaultMaxWeights = limits.DefaultMaxWeights
	// MaxTableBits is the longest code TableDecoding accepts.
	MaxTableBits = dsnccore.MaxTableBits
)

// Config is the shape of a model's network, set by Init (and so by Fit)
// from the options and the data, or read from a file: Features inputs,
// optional ReLU hidden layers, a code layer of Bits sigmoid units φ(x), and
// a linear softmax decoder over Classes.
type Config struct {
	// Features is the input width n.
	Features int
	// Hidden holds the widths of ReLU layers between the input and the code
	// layer (WithHidden). The paper uses none: its encoder is linear +
	// sigmoid.
	Hidden []int
	// Bits is the code length c, in [1, MaxBits] (WithBits).
	Bits int
	// Classes is K, at least 2.
	Classes int
	// Symmetric says the decoder was trained on s = 2b − 1 in {−1, +1} per
	// bit instead of b in {0, 1} (WithSymmetricCodes); the Decoder's weights
	// are then those of s. Prediction keeps the {0, 1} form and decodes
	// with BinaryDecoder, which folds them.
	Symmetric bool
	// MaxWeights bounds the number of weights and biases of the network
	// (WithMaxWeights); 0 means DefaultMaxWeights.
	MaxWeights int
}

// core returns c as the graph-free core's configuration (Hidden shared).
func (c Config) core() dsnccore.Config {
	return dsnccore.Config{Features: c.Features, Hidden: c.Hidden, Bits: c.Bits, Classes: c.Classes, Symmetric: c.Symmetric, MaxWeights: c.MaxWeights}
}

// maxWeights returns the weight limit: MaxWeights, or DefaultMaxWeights
// when it is 0.
func (c Config) maxWeights() int { return c.core().Limit() }

// widths returns Features, Hidden..., Bits.
func (c Config) widths() []int { return c.core().Widths() }

// Layer is one dense layer's parameters, y = x·W + B: W holds the In×Out
// matrix row-major, B the Out biases. The slices are the weights
// themselves: a training graph binds them without a copy, so Adam
// stepping the graph updates the model.
type Layer struct {
	In, Out int
	W, B    []float32
}

// core returns l as a graph-free layer sharing its slices.
func (l Layer) core() dsnccore.Layer { return dsnccore.Layer{In: l.In, Out: l.Out, W: l.W, B: l.B} }

func newLayer(in, out int) Layer {
	return Layer{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out)}
}

// initUniform fills W with U(-a, a), a = gain·sqrt(6/(in+out)) (Glorot with
// gain 1, He-like with gain sqrt(2)), and B with zeros.
func (l Layer) initUniform(r *rand.Rand, gain float64) {
	a := gain * math.Sqrt(6/float64(l.In+l.Out))
	for i := range l.W {
		l.W[i] = float32((2*r.Float64() - 1) * a)
	}
	clear(l.B)
}

func (l Layer) clone() Layer {
	return Layer{In: l.In, Out: l.Out, W: append([]float32(nil), l.W...), B: append([]float32(nil), l.B...)}
}

// Model is a DSNC model: its options (New), the network's weights once Init
// or Fit has drawn them (or Load has read them) — the encoder layers
// (hidden ReLU layers, then the code layer) and the linear decoder — the
// distinct codes the encoder gives the training rows with the majority
// label of each, and the prediction machinery of the chosen decoder
// (WithDecoder), prepared by Fit, SetTrainingCodes and Load.
//
// Predict, PredictBatch, TopK, Code, Accuracy and TopKAccuracy are safe for
// concurrent use and allocate nothing per call in steady state (Predict,
// Code, TopK with a large enough dst); they read the weights as they were
// when prediction was last prepared. Fit, Init, SetTrainingCodes and a
// training graph's steps change the model and must not run concurrently
// with anything else on it.
type Model struct {
	// Config is the network's shape (zero before Init, Fit or Load).
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

	opts config
	pred *dsnccore.Predictor // nil until prediction is prepared
}

// New returns a model with the given options, before training: Fit draws
// its network for the data's shape and trains it; Init draws the network
// for a custom training loop. It returns ErrConfig, wrapped, for an
// invalid option value.
func New(opts ...Option) (*Model, error) {
	c, err := buildConfig(defaults(), opts)
	if err != nil {
		return nil, err
	}
	return &Model{opts: c}, nil
}

// Init draws the network for features inputs and classes classes from the
// model's options (WithHidden, WithBits, WithSymmetricCodes,
// WithMaxWeights) and seed (WithSeed): He-uniform weights for the ReLU
// layers, Glorot-uniform for the code and decoder layers, zero biases. It
// replaces any previous network and training codes; the model predicts
// again once SetTrainingCodes has run. Fit begins with the same draw. It
// returns ErrConfig for an invalid shape, wrapping ErrTooLarge as well for
// a width above MaxDim or more weights than WithMaxWeights allows
// (DefaultMaxWeights by default), checked before anything is allocated.
// Cost O(Params()).
func (m *Model) Init(features, classes int) error {
	if m == nil {
		return fmt.Errorf("%w: Init on a nil model", ErrConfig)
	}
	n, err := m.opts.draw(features, classes)
	if err != nil {
		return err
	}
	m.setNetwork(n)
	return nil
}

// draw returns a fresh network of c's shape for features and classes.
func (c *config) draw(features, classes int) (*Model, error) {
	cfg := Config{Features: features, Hidden: append([]int(nil), c.Hidden...), Bits: c.bits, Classes: classes,
		Symmetric: c.symmetric, MaxWeights: c.MaxWeights}
	if err := cfg.core().Validate(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x64736e63_696e6974))
	n := &Model{Config: cfg, opts: *c}
	w := cfg.widths()
	for i := 0; i+1 < len(w); i++ {
		l := newLayer(w[i], w[i+1])
		gain := 1.0
		if i+2 < len(w) {
			gain = math.Sqrt2
		}
		l.initUniform(r, gain)
		n.Encoder = append(n.Encoder, l)
	}
	n.Decoder = newLayer(cfg.Bits, cfg.Classes)
	n.Decoder.initUniform(r, 1)
	return n, nil
}

// setNetwork makes n's network, codes and predictors m's (its options
// stay).
func (m *Model) setNetwork(n *Model) {
	m.Config, m.Encoder, m.Decoder, m.Codes, m.CodeLabels = n.Config, n.Encoder, n.Decoder, n.Codes, n.CodeLabels
	m.pred = n.pred
}

// BinaryDecoder returns the linear decoder as it applies to codes b in
// {0, 1}: a copy of Decoder, unless Config.Symmetric, in which case the
// decoder of s = 2b − 1 is folded into W′ = 2W and B′ = B − Σ_j W_j (W_j
// the row of bit j), so that b·W′ + B′ = (2b − 1)·W + B. The folded sums
// are taken in float64 and rounded once to float32. Prediction with the
// linear decoder and Fit's validation decode with it. Cost
// O(Bits·Classes).
func (m *Model) BinaryDecoder() Layer {
	w, b := m.core().BinaryDecoder().Float32()
	return Layer{In: m.Decoder.In, Out: m.Decoder.Out, W: w, B: b}
}

// layers returns the encoder layers followed by the decoder.
func (m *Model) layers() []Layer { return append(append([]Layer(nil), m.Encoder...), m.Decoder) }

// Params returns the number of trainable parameters (0 before Init).
func (m *Model) Params() int {
	if len(m.Encoder) == 0 {
		return 0
	}
	n := 0
	for _, l := range m.layers() {
		n += l.In*l.Out + l.Out
	}
	return n
}

// Clone returns a deep copy of m's options, network and training codes,
// ready to predict if m was.
func (m *Model) Clone() *Model {
	c := &Model{Config: m.Config, Decoder: m.Decoder.clone(), opts: m.opts, pred: m.pred}
	c.Config.Hidden = append([]int(nil), m.Config.Hidden...)
	for _, l := range m.Encoder {
		c.Encoder = append(c.Encoder, l.clone())
	}
	c.Codes = append([]uint64(nil), m.Codes...)
	c.CodeLabels = append([]int(nil), m.CodeLabels...)
	return c
}

// copyWeights copies src's weights into m's slices in place (same shapes).
func (m *Model) copyWeights(src *Model) {
	for i := range m.Encoder {
		copy(m.Encoder[i].W, src.Encoder[i].W)
		copy(m.Encoder[i].B, src.Encoder[i].B)
	}
	copy(m.Decoder.W, src.Decoder.W)
	copy(m.Decoder.B, src.Decoder.B)
}

// check verifies that m is not nil, that it has a network, that its config
// is valid, that the layers match the config and that every weight is
// finite.
func (m *Model) check() error {
	if m != nil && len(m.Encoder) == 0 && m.Config.Features == 0 {
		return fmt.Errorf("%w: the model has no network yet (Fit or Init it)", ErrNotFitted)
	}
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
		w, b := l.W, l.B
		if c.Float64 {
			w, b = l.Float32()
		}
		return Layer{In: l.In, Out: l.Out, W: w.([]float32), B: b.([]float32)}
	}
	m := &Model{Config: Config{Features: cfg.Features, Hidden: cfg.Hidden, Bits: cfg.Bits, Classes: cfg.Classes, Symmetric: cfg.Symmetric, MaxWeights: cfg.MaxWeights},
		Decoder: layer(c.Decoder), Codes: c.Codes, CodeLabels: c.CodeLabels}
	for _, l := range c.Encoder {
		m.Encoder = append(m.Encoder, layer(l))
	}
	return m
}

// String summarises the model: decoder, shape, parameter counts per layer
// and the number of stored training codes.
func (m *Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DSNC model (float32, %s decoding): ", m.opts.dec)
	if len(m.Encoder) == 0 {
		fmt.Fprintf(&b, "%d-bit code, not trained", m.opts.bits)
		return b.String()
	}
	fmt.Fprintf(&b, "%d features → ", m.Config.Features)
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
		fmt.Fprintf(&b, "  %-9s %6d × %-6d %10d params\n", name, l.In, l.Out, l.In*l.Out+l.Out)
	}
	fmt.Fprintf(&b, "  total %d params; %d distinct training codes", m.Params(), len(m.CodeLabels))
	return b.String()
}
