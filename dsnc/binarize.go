package dsnc

import (
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/labelcode/labelcode/internal/nn/nntrain"
)

// Mode selects how the binary layer turns bit probabilities into bits.
type Mode int

const (
	// Sample draws every bit independently: b ~ Bernoulli(p). This is the
	// paper's training-time layer.
	Sample Mode = iota
	// Threshold takes the most probable value of every bit: b = 1[p >= 0.5].
	// This is the paper's inference-time layer.
	Threshold
)

// String returns "sample" or "threshold".
func (m Mode) String() string {
	switch m {
	case Sample:
		return "sample"
	case Threshold:
		return "threshold"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

var (
	// ErrMode reports a Mode other than Sample and Threshold.
	ErrMode = errors.New("dsnc: unknown binarize mode")
	// ErrNotBinarize reports a node that was not made by Binarize.
	ErrNotBinarize = errors.New("dsnc: node is not a Binarize node")
)

// binarizeIDs gives every binarize op a distinct identity, so that gorgonia
// never merges two Binarize nodes over the same input (ops with equal hashes
// on equal inputs are deduplicated when a graph is built).
var binarizeIDs atomic.Uint64

// Binarize adds the stochastic binary layer of DSNC to p's graph: a node of
// p's shape (float32) holding 0s and 1s.
//
// Forward, per mode: Sample draws b ~ Bernoulli(p) elementwise from a PCG
// generator seeded with seed, which the node owns and advances at every run,
// so each run of the graph draws a fresh sample and two graphs built with
// the same seed draw the same sequence of samples; Threshold gives
// b = 1[p >= 0.5]. Backward is the straight-through estimator (paper eq. 6):
// the gradient arriving at b is passed to p unchanged, dL/dp = dL/db.
// The op implements gorgonia's SDOp (for Grad and the TapeMachine) and ADOp
// (for the LispMachine). Forward and backward cost O(len(p)).
//
// The mode can be changed after the graph is built with SetMode.
// Binarize returns ErrMode for an unknown mode and an error when p is not a
// float32 tensor.
func Binarize(p *G.Node, mode Mode, seed uint64) (*G.Node, error) {
	if mode != Sample && mode != Threshold {
		return nil, fmt.Errorf("%w: %d", ErrMode, int(mode))
	}
	if dt := p.Dtype(); dt != tensor.Float32 {
		return nil, fmt.Errorf("dsnc: Binarize needs float32 input, got %v", dt)
	}
	op := &binarizeOp{id: binarizeIDs.Add(1), rng: rand.NewPCG(seed, pcgStream)}
	op.mode.Store(int32(mode))
	return G.ApplyOp(op, p)
}

// pcgStream is the PCG stream constant used with every seed in this package.
const pcgStream = 0x64736e63_62697473 // "dsncbits"

// SetMode switches a node made by Binarize between Sample and Threshold. The
// change applies from the next run of the graph; no rebuild or recompilation
// is needed. It returns ErrNotBinarize for any other node and ErrMode for an
// unknown mode. It is safe to call concurrently with a run, which then sees
// either mode for the whole run of that node.
func SetMode(b *G.Node, mode Mode) error {
	op, ok := b.Op().(*binarizeOp)
	if !ok {
		return fmt.Errorf("%w: %v", ErrNotBinarize, b)
	}
	if mode != Sample && mode != Threshold {
		return fmt.Errorf("%w: %d", ErrMode, int(mode))
	}
	op.mode.Store(int32(mode))
	return nil
}

// ModeOf returns the current mode of a node made by Binarize, or
// ErrNotBinarize for any other node.
func ModeOf(b *G.Node) (Mode, error) {
	op, ok := b.Op().(*binarizeOp)
	if !ok {
		return 0, fmt.Errorf("%w: %v", ErrNotBinarize, b)
	}
	return Mode(op.mode.Load()), nil
}

// binarizeOp is the gorgonia op behind Binarize.
type binarizeOp struct {
	nntrain.PureOp
	id   uint64
	mode atomic.Int32
	mu   sync.Mutex // guards rng
	rng  *rand.PCG
}

var (
	_ G.Op              = (*binarizeOp)(nil)
	_ G.SDOp            = (*binarizeOp)(nil)
	_ G.ADOp            = (*binarizeOp)(nil)
	_ G.UsePreallocDoer = (*binarizeOp)(nil)
)

func (op *binarizeOp) Arity() int { return 1 }

func (op *binarizeOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op *binarizeOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("dsnc: Binarize takes 1 input, got %d", len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("dsnc: Binarize input shape is %T, not a tensor.Shape", in[0])
	}
	return s.Clone(), nil
}

func (op *binarizeOp) Do(in ...G.Value) (G.Value, error) {
	t, err := op.input(in)
	if err != nil {
		return nil, err
	}
	out := tensor.New(tensor.WithShape(t.Shape().Clone()...), tensor.Of(t.Dtype()))
	return op.UsePreallocDo(out, t)
}

// UsePreallocDo writes the bits into prealloc, which the TapeMachine reuses
// from run to run.
func (op *binarizeOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	t, err := op.input(in)
	if err != nil {
		return nil, err
	}
	mode := Mode(op.mode.Load())
	op.mu.Lock()
	defer op.mu.Unlock()
	src, ok := t.Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("dsnc: Binarize needs float32 data, got %T", t.Data())
	}
	dst, ok := prealloc.Data().([]float32)
	if !ok || len(dst) != len(src) {
		return nil, fmt.Errorf("dsnc: Binarize output buffer is %T of %d, want []float32 of %d", prealloc.Data(), len(dst), len(src))
	}
	binarize32(dst, src, mode, op.rng)
	return prealloc, nil
}

func (op *binarizeOp) input(in []G.Value) (tensor.Tensor, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("dsnc: Binarize takes 1 input, got %d", len(in))
	}
	t, ok := in[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("dsnc: Binarize input is %T, not a tensor", in[0])
	}
	return t, nil
}

// binarize32 fills dst with bits drawn from src. A uniform u in [0, 1) with
// 24 random bits is compared with p: P(u < p) = p up to float32 resolution.
func binarize32(dst, src []float32, mode Mode, rng *rand.PCG) {
	if mode == Threshold {
		for i, p := range src {
			dst[i] = 0
			if p >= 0.5 {
				dst[i] = 1
			}
		}
		return
	}
	const scale = 1.0 / (1 << 24)
	for i, p := range src {
		u := float32(rng.Uint64()>>40) * scale
		dst[i] = 0
		if u < p {
			dst[i] = 1
		}
	}
}

// WriteHash writes the op's identity; the mode is left out because it can
// change after the graph is built.
func (op *binarizeOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "dsnc.Binarize#%d", op.id) }

func (op *binarizeOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *binarizeOp) String() string { return fmt.Sprintf("Binarize#%d", op.id) }

// DiffWRT says the op is differentiable with respect to its input.
func (op *binarizeOp) DiffWRT(inputs int) []bool { return []bool{true} }

// SymDiff is the straight-through estimator: the gradient of the input is
// the gradient of the output, as the same node.
func (op *binarizeOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("dsnc: Binarize takes 1 input, got %d", len(inputs))
	}
	return G.Nodes{grad}, nil
}

// DoDiff is the straight-through estimator for the LispMachine: it adds the
// output's gradient to the input's.
func (op *binarizeOp) DoDiff(ctx G.ExecutionContext, inputs G.Nodes, output *G.Node) error {
	if len(inputs) != 1 {
		return fmt.Errorf("dsnc: Binarize takes 1 input, got %d", len(inputs))
	}
	xg, err := inputs[0].Grad()
	if err != nil {
		return fmt.Errorf("dsnc: Binarize input gradient: %w", err)
	}
	yg, err := output.Grad()
	if err != nil {
		return fmt.Errorf("dsnc: Binarize output gradient: %w", err)
	}
	x, ok := xg.Data().([]float32)
	if !ok {
		return fmt.Errorf("dsnc: Binarize gradient of unsupported type %T", xg.Data())
	}
	y, ok := yg.Data().([]float32)
	if !ok || len(y) != len(x) {
		return fmt.Errorf("dsnc: Binarize gradient mismatch: %T vs %T", xg.Data(), yg.Data())
	}
	for i, v := range y {
		x[i] += v
	}
	return nil
}
