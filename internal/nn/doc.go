// Package nn is the network machinery shared by labelmap and dsnc: MLP
// weights as plain float32 slices, their gorgonia training graph built
// from fused ops (Affine, SoftmaxCrossEntropy), an in-place Adam, a
// minibatch trainer, and a graph-free forward pass for inference.
//
// # Conventions
//
// A Net is a Spec (Inputs, Hidden widths, Heads sizes) and its layers. A
// Dense layer computes y = x·W + B with W stored In×Out row-major. Hidden
// layers use ReLU; every head is a softmax over its classes. Several heads
// on one trunk are the shared-trunk network of the Label Mapping paper
// (Figure 4a), trained on the sum of the heads' mean negative
// log-likelihoods. Examples are rows of a row-major []float32; targets are
// ints, one slice per head. Outputs of Forward and ForwardBatch are
// log-probabilities, heads concatenated in order, Spec.Outputs() per row.
//
// # Training
//
// Train = NewGraph + (Graph.Load, Graph.Run, Adam.Step) per shuffled
// minibatch, validation after each epoch, early stopping on the validation
// score, best weights kept. The graph's weight nodes are backed by the
// Net's own slices, so the Net is trained in place and Forward sees the
// current weights without a copy.
//
// The graph is made of a few fused ops, each written for the profile of a
// training step: Affine (x·W + b and its activation in one BLAS product;
// its backward pass skips dx for the input layer), SoftmaxCrossEntropy
// (softmax and negative log-likelihood in one op, no one-hot matrix), and
// Adam updates the weights in one pass without temporaries, with exactly
// the arithmetic of gorgonia's AdamSolver. Every op writes into buffers it
// keeps from batch to batch (gorgonia's tape machine drops its registers at
// each Reset), and the gradients are read from their nodes rather than
// accumulated into dual values, so a step allocates almost nothing.
// Elementwise passes (exponentials, ReLU, bias sums, Adam) split rows or
// columns between GOMAXPROCS goroutines, and run eight lanes at a time in
// AVX2 assembly when the CPU has it (simd_amd64.s; the purego tag or
// another architecture selects the Go loops, which compute the same values
// element by element). No result depends on the split or on GOMAXPROCS:
// each element is computed by one goroutine, and row losses are summed in
// row order. So the same seed and data give the same weights bit for bit,
// and independent Graphs can train in parallel goroutines.
//
// # BLAS
//
// Matrix products go through gonum's blas32 and blas64 and gorgonia's
// BLAS. By default that is gonum's pure-Go implementation, which needs no C
// toolchain. Built with the openblas tag (go build -tags openblas, with
// libopenblas-dev installed), package openblas, imported here, switches
// all three to OpenBLAS through cgo, process-wide; Backend says which.
//
// # Cost
//
// Forward is one matrix-vector product per layer, O(Params()), plus one
// exp per output; with AVX2 and FMA it streams each row of W once through
// an assembly kernel (RowAffine) and skips the rows that meet a zero input
// (half of a ReLU layer's outputs, typically). ForwardBatch is one BLAS
// matrix product per layer (parallel inside the BLAS). Both are safe for
// concurrent use, and allocation-free given a Workspace and a dst of
// sufficient capacity. One training step costs about three times the
// forward pass of its batch in matrix products (two for the input layer),
// plus O(batch·outputs) for the loss and O(Params()) for Adam.
package nn
