// Package nn is the network machinery shared by labelmap and dsnc: MLP
// weights as plain float32 slices, their gorgonia training graph, a fused
// softmax cross-entropy op, Adam, a minibatch trainer, and a graph-free
// forward pass for inference.
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
// current weights without a copy. Each Graph runs on its own single-threaded
// gorgonia tape machine, so training is bit-for-bit reproducible for a fixed
// seed and independent Graphs can train in parallel goroutines. The loss is
// one fused op (SoftmaxCrossEntropy), which sidesteps gorgonia's
// SoftMax/LogSoftMax node-merging bug and needs no one-hot target matrix;
// Adam updates the weights in place with no temporaries.
//
// # Cost
//
// Forward is one matrix-vector product per layer, O(Params()), plus one exp
// per output; ForwardBatch one gonum BLAS matrix product per layer. Both are
// safe for concurrent use, and allocation-free given a Workspace and a dst
// of sufficient capacity. One training step costs about three times the
// forward pass of its batch, plus O(Params()) for Adam.
package nn
