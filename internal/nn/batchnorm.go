package nn

import (
	"fmt"
	"math"
)

// Batch-normalisation constants of training (Ioffe and Szegedy 2015, and
// PyTorch's defaults): the running statistics move by BNMomentum towards
// every batch's statistics, and BNEps is added to a variance before its
// square root.
const (
	BNMomentum = 0.1
	BNEps      = 1e-5
)

// BatchNorm is the batch-normalisation state of the hidden layers of a Net
// while it trains (Ioffe and Szegedy 2015): for hidden layer i, the
// affine map's output z is normalised over the batch, scaled by Gamma[i]
// and shifted by Beta[i], then rectified. Mean[i] and Var[i] are the
// running mean and (unbiased) variance of z, updated by every training
// batch; prediction uses them in place of the batch statistics, which is
// an affine map per unit that Fold merges into the layer's weights. A
// folded Net is an ordinary Net: prediction, files and infer do not know
// that it was trained with batch norm.
type BatchNorm struct {
	Gamma, Beta [][]float32 // per hidden layer, one scale and shift per unit
	Mean, Var   [][]float32 // per hidden layer, the running statistics
}

// NewBatchNorm returns the initial state for the hidden layers of spec:
// γ = 1, β = 0, running mean 0 and variance 1.
func NewBatchNorm(spec Spec) *BatchNorm {
	bn := &BatchNorm{}
	for _, h := range spec.Hidden {
		g, v := make([]float32, h), make([]float32, h)
		for j := range g {
			g[j], v[j] = 1, 1
		}
		bn.Gamma = append(bn.Gamma, g)
		bn.Beta = append(bn.Beta, make([]float32, h))
		bn.Mean = append(bn.Mean, make([]float32, h))
		bn.Var = append(bn.Var, v)
	}
	return bn
}

// Check returns ErrSpec (wrapped) when bn does not have one vector of the
// right width per hidden layer of spec.
func (bn *BatchNorm) Check(spec Spec) error {
	if len(bn.Gamma) != len(spec.Hidden) || len(bn.Beta) != len(spec.Hidden) || len(bn.Mean) != len(spec.Hidden) || len(bn.Var) != len(spec.Hidden) {
		return fmt.Errorf("%w: batch norm for %d hidden layers", ErrSpec, len(spec.Hidden))
	}
	for i, h := range spec.Hidden {
		if len(bn.Gamma[i]) != h || len(bn.Beta[i]) != h || len(bn.Mean[i]) != h || len(bn.Var[i]) != h {
			return fmt.Errorf("%w: batch norm of hidden layer %d does not have %d units", ErrSpec, i, h)
		}
	}
	return nil
}

// Params returns γ and β of every hidden layer (γ₀, β₀, γ₁, β₁, ...), the
// slices themselves.
func (bn *BatchNorm) Params() [][]float32 {
	ps := make([][]float32, 0, 2*len(bn.Gamma))
	for i := range bn.Gamma {
		ps = append(ps, bn.Gamma[i], bn.Beta[i])
	}
	return ps
}

// Stats returns the running mean and variance of every hidden layer (μ₀,
// σ²₀, μ₁, σ²₁, ...), the slices themselves.
func (bn *BatchNorm) Stats() [][]float32 {
	ps := make([][]float32, 0, 2*len(bn.Mean))
	for i := range bn.Mean {
		ps = append(ps, bn.Mean[i], bn.Var[i])
	}
	return ps
}

// Scale returns, for hidden unit j of layer i, the factor s = γ/√(σ²+ε)
// and the shift t = β − μ·s of the inference-time batch norm y = z·s + t,
// computed in float64.
func (bn *BatchNorm) Scale(i, j int) (s, t float64) {
	s = float64(bn.Gamma[i][j]) / math.Sqrt(float64(bn.Var[i][j])+BNEps)
	return s, float64(bn.Beta[i][j]) - float64(bn.Mean[i][j])*s
}

// Fold writes into dst the network src with the inference-time batch norm
// of every hidden layer merged into that layer's weights: per output unit
// j, W′[·,j] = W[·,j]·s and b′[j] = (b[j] − μ)·s + β with s = γ/√(σ²+ε),
// so dst computes ReLU(BN(x·W + b)) with the running statistics as one
// affine map and ReLU. The heads are copied. dst must have src's
// architecture and may be src itself (folding in place). It panics on an
// architecture mismatch.
func (bn *BatchNorm) Fold(dst, src *Net) {
	if dst != src {
		dst.CopyFrom(src)
	}
	for i := range dst.Hidden {
		d := &dst.Hidden[i]
		bn.FoldLayer(i, d.In, d.Out, d.W, d.B)
	}
}

// FoldLayer folds the inference-time batch norm of hidden layer i into the
// weights w (in×out, row-major) and biases b of that layer, in place, as
// Fold does for a Net's layer.
func (bn *BatchNorm) FoldLayer(i, in, out int, w, b []float32) {
	for j := 0; j < out; j++ {
		s, t := bn.Scale(i, j)
		for r := 0; r < in; r++ {
			w[r*out+j] = float32(float64(w[r*out+j]) * s)
		}
		b[j] = float32(float64(b[j])*s + t)
	}
}

// ForwardBatchNorm is the unfolded graph-free forward pass of src with the
// inference-time batch norm of bn, computed in float64 from the float32
// weights: for every row of x, each hidden layer is ReLU(BN(x·W + b)) with
// the running statistics, then the heads' log-softmax. It returns
// rows×Outputs log-probabilities. It is slow (no BLAS) and meant for
// checking Fold.
func (bn *BatchNorm) ForwardBatchNorm(src *Net, x []float32, rows int) []float64 {
	in := src.Spec.Inputs
	out := make([]float64, 0, rows*src.Spec.Outputs())
	for r := 0; r < rows; r++ {
		h := make([]float64, in)
		for i := range h {
			h[i] = float64(x[r*in+i])
		}
		for li := range src.Hidden {
			d := &src.Hidden[li]
			z := affine64(d, h)
			for j := range z {
				s := float64(bn.Gamma[li][j]) / math.Sqrt(float64(bn.Var[li][j])+BNEps)
				z[j] = max(0, (z[j]-float64(bn.Mean[li][j]))*s+float64(bn.Beta[li][j]))
			}
			h = z
		}
		for hi := range src.Heads {
			z := affine64(&src.Heads[hi], h)
			m := math.Inf(-1)
			for _, v := range z {
				m = max(m, v)
			}
			var sum float64
			for _, v := range z {
				sum += math.Exp(v - m)
			}
			lse := m + math.Log(sum)
			for _, v := range z {
				out = append(out, v-lse)
			}
		}
	}
	return out
}

func affine64(d *Dense, x []float64) []float64 {
	z := make([]float64, d.Out)
	for j := range z {
		z[j] = float64(d.B[j])
	}
	for i, v := range x {
		for j := range z {
			z[j] += v * float64(d.W[i*d.Out+j])
		}
	}
	return z
}
