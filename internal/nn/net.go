package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/labelcode/labelcode/internal/limits"
)

// Sentinel errors of the package.
var (
	// ErrSpec reports an architecture with a non-positive size or no head.
	ErrSpec = limits.ErrConfig
)

// Spec is the architecture of an MLP: Inputs features, a trunk of Hidden
// ReLU layers, and one softmax head per entry of Heads (its number of
// classes). One head is a plain softmax classifier; several heads on one
// trunk are the shared-trunk Label Mapping network (LM paper, Figure 4a).
// No hidden layer gives a (multi-head) softmax regression.
type Spec struct {
	Inputs int
	Hidden []int
	Heads  []int
}

// Validate returns ErrSpec (wrapped) when a size is not positive or there is
// no head.
func (s Spec) Validate() error {
	if s.Inputs <= 0 {
		return fmt.Errorf("%w: %d inputs", ErrSpec, s.Inputs)
	}
	for i, h := range s.Hidden {
		if h <= 0 {
			return fmt.Errorf("%w: hidden layer %d has width %d", ErrSpec, i, h)
		}
	}
	if len(s.Heads) == 0 {
		return fmt.Errorf("%w: no head", ErrSpec)
	}
	for i, h := range s.Heads {
		if h < 1 {
			return fmt.Errorf("%w: head %d has %d classes", ErrSpec, i, h)
		}
	}
	return nil
}

// Weights returns the number of weights and biases of the architecture,
// Σ (in+1)·out over its layers, computed without overflow. It returns
// ErrSpec (wrapped) when s is invalid, and an error wrapping
// limits.ErrTooLarge when a size exceeds limits.MaxDim or the count
// overflows or exceeds limit. Cost O(layers); it allocates nothing.
func (s Spec) Weights(limit int) (int, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	in := s.Inputs
	if err := limits.Check("inputs", in, limits.MaxDim); err != nil {
		return 0, err
	}
	total := 0
	layer := func(out int) error {
		n, err := limits.Weights(math.MaxInt, in, out)
		if err != nil {
			return err
		}
		var ok bool
		if total, ok = limits.Add(total, n); !ok {
			return fmt.Errorf("%w: weight count of %d-%v-%v overflows", limits.ErrTooLarge, s.Inputs, s.Hidden, s.Heads)
		}
		if total > limit {
			return fmt.Errorf("%w: network %d-%v-%v has more than %d weights", limits.ErrTooLarge, s.Inputs, s.Hidden, s.Heads, limit)
		}
		return nil
	}
	for i, h := range s.Hidden {
		if err := layer(h); err != nil {
			return 0, fmt.Errorf("hidden layer %d: %w", i, err)
		}
		in = h
	}
	for i, h := range s.Heads {
		if err := layer(h); err != nil {
			return 0, fmt.Errorf("head %d: %w", i, err)
		}
	}
	return total, nil
}

// Outputs returns Σ Heads, the length of the concatenated log-probabilities
// of all heads.
func (s Spec) Outputs() int {
	n := 0
	for _, h := range s.Heads {
		n += h
	}
	return n
}

// Dense is the weights of one fully connected layer, y = x·W + B, as plain
// float32 slices. W is In×Out, row-major: W[i*Out+j] connects input i to
// output j.
type Dense struct {
	In, Out int
	W       []float32
	B       []float32
}

// Params returns the number of weights, In·Out + Out.
func (d *Dense) Params() int { return d.In*d.Out + d.Out }

// NewDense returns a zero layer of the given shape.
func NewDense(in, out int) Dense {
	return Dense{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out)}
}

// InitHe fills W with N(0, 2/In) draws (He et al. 2015, for ReLU layers) from
// rng and zeroes B.
func (d *Dense) InitHe(rng *rand.Rand) {
	std := math.Sqrt(2 / float64(d.In))
	for i := range d.W {
		d.W[i] = float32(rng.NormFloat64() * std)
	}
	clear(d.B)
}

// InitGlorot fills W with U(-a, a) draws, a = sqrt(6/(In+Out)) (Glorot and
// Bengio 2010, for softmax outputs), from rng and zeroes B.
func (d *Dense) InitGlorot(rng *rand.Rand) {
	a := math.Sqrt(6 / float64(d.In+d.Out))
	for i := range d.W {
		d.W[i] = float32((2*rng.Float64() - 1) * a)
	}
	clear(d.B)
}

// Net is an MLP's weights: the trunk layers then one output layer per head.
// It holds no graph; Forward and ForwardBatch evaluate it with BLAS, and
// Train (through Graph) updates its slices in place.
//
// A Net is safe for concurrent evaluation by several goroutines as long as
// nothing trains it at the same time.
type Net struct {
	Spec   Spec
	Hidden []Dense
	Heads  []Dense
}

// NewNet returns a network of the given architecture, with He-initialised
// hidden layers and Glorot-initialised heads drawn from a PCG source seeded
// with seed: the same spec and seed give the same weights bit for bit. It
// allocates spec.Weights float32s, at most maxWeights, checked before
// anything is allocated (training allocates about three times as much
// again for the gradients and Adam's moments).
//
// It returns ErrSpec when spec is invalid and an error wrapping
// limits.ErrTooLarge when it has more than maxWeights weights (see
// Spec.Weights).
func NewNet(spec Spec, seed uint64, maxWeights int) (*Net, error) {
	if _, err := spec.Weights(maxWeights); err != nil {
		return nil, err
	}
	spec = spec.clone()
	rng := rand.New(rand.NewPCG(seed, 0x6e6e2d696e6974)) // "nn-init"
	n := &Net{Spec: spec}
	in := spec.Inputs
	for _, h := range spec.Hidden {
		d := NewDense(in, h)
		d.InitHe(rng)
		n.Hidden = append(n.Hidden, d)
		in = h
	}
	for _, k := range spec.Heads {
		d := NewDense(in, k)
		d.InitGlorot(rng)
		n.Heads = append(n.Heads, d)
	}
	return n, nil
}

func (s Spec) clone() Spec {
	return Spec{Inputs: s.Inputs, Hidden: append([]int(nil), s.Hidden...), Heads: append([]int(nil), s.Heads...)}
}

// Layers returns the trunk layers followed by the heads, the order in which
// Graph lists its parameters.
func (n *Net) Layers() []*Dense {
	ls := make([]*Dense, 0, len(n.Hidden)+len(n.Heads))
	for i := range n.Hidden {
		ls = append(ls, &n.Hidden[i])
	}
	for i := range n.Heads {
		ls = append(ls, &n.Heads[i])
	}
	return ls
}

// Params returns the number of weights of the whole network, 0 for a nil
// network (a model not fitted yet).
func (n *Net) Params() int {
	if n == nil {
		return 0
	}
	p := 0
	for _, l := range n.Layers() {
		p += l.Params()
	}
	return p
}

// TrunkParams returns the number of weights of the hidden layers, 0 for a
// nil network.
func (n *Net) TrunkParams() int {
	if n == nil {
		return 0
	}
	p := 0
	for i := range n.Hidden {
		p += n.Hidden[i].Params()
	}
	return p
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := &Net{Spec: n.Spec.clone()}
	for _, d := range n.Hidden {
		c.Hidden = append(c.Hidden, d.clone())
	}
	for _, d := range n.Heads {
		c.Heads = append(c.Heads, d.clone())
	}
	return c
}

func (d Dense) clone() Dense {
	return Dense{In: d.In, Out: d.Out, W: append([]float32(nil), d.W...), B: append([]float32(nil), d.B...)}
}

// CopyFrom copies the weights of src, which must have the same architecture,
// into n's existing slices (so that a Graph built on n sees them). It panics
// on an architecture mismatch.
func (n *Net) CopyFrom(src *Net) {
	dl, sl := n.Layers(), src.Layers()
	if len(dl) != len(sl) {
		panic("nn: CopyFrom: architectures differ")
	}
	for i := range dl {
		if dl[i].In != sl[i].In || dl[i].Out != sl[i].Out {
			panic("nn: CopyFrom: architectures differ")
		}
		copy(dl[i].W, sl[i].W)
		copy(dl[i].B, sl[i].B)
	}
}

// Check returns ErrSpec (wrapped) when the layers do not match the spec or
// each other, or a weight is NaN or infinite; use it on a Net built by hand
// or decoded from a file.
func (n *Net) Check() error {
	if err := n.Spec.Validate(); err != nil {
		return err
	}
	if len(n.Hidden) != len(n.Spec.Hidden) || len(n.Heads) != len(n.Spec.Heads) {
		return fmt.Errorf("%w: %d hidden layers and %d heads for spec %v", ErrSpec, len(n.Hidden), len(n.Heads), n.Spec)
	}
	in := n.Spec.Inputs
	for i, l := range n.Layers() {
		out := 0
		if i < len(n.Hidden) {
			out = n.Spec.Hidden[i]
		} else {
			out = n.Spec.Heads[i-len(n.Hidden)]
		}
		if size, ok := limits.Mul(in, out); !ok || l.In != in || l.Out != out || len(l.W) != size || len(l.B) != out {
			return fmt.Errorf("%w: layer %d is %d×%d with %d+%d weights, want %d×%d", ErrSpec, i, l.In, l.Out, len(l.W), len(l.B), in, out)
		}
		for _, v := range l.W {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: layer %d has a non-finite weight", ErrSpec, i)
			}
		}
		for _, v := range l.B {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: layer %d has a non-finite bias", ErrSpec, i)
			}
		}
		if i < len(n.Hidden) {
			in = out
		}
	}
	return nil
}

// String returns a one-line summary such as "MLP 64-[32]-[100 101] (9353 params)".
func (n *Net) String() string {
	return fmt.Sprintf("MLP %d-%v-%v (%d params)", n.Spec.Inputs, n.Spec.Hidden, n.Spec.Heads, n.Params())
}
