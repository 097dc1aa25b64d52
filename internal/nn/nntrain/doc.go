// Package nntrain trains the networks of package nn on gorgonia: their
// training graph built from fused ops (Affine, SoftmaxCrossEntropy), an
// in-place Adam, a minibatch trainer (Train) with validation and early
// stopping, minibatch sampling and learning-rate schedules. It is the only
// part of the network stack that imports gorgonia; package nn holds the
// network itself and the graph-free forward pass, so serving code never
// links this package.
//
// # Training
//
// Train = NewGraph + (Graph.Load, Graph.Run, Adam.Step) per shuffled
// minibatch, validation after each epoch, early stopping on the validation
// score, best weights kept. Targets are ints, one slice per head; the loss
// is the sum of the heads' mean negative log-likelihoods. The graph's
// weight nodes are backed by the nn.Net's own slices, so the Net is trained
// in place and nn.Net.Forward sees the current weights without a copy.
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
// Elementwise passes split rows or columns between GOMAXPROCS goroutines
// (nn.ParallelFor) and use nn's AVX2 kernels plus two of their own (Adam
// and the ReLU gradient, simd_amd64.s). No result depends on the split or
// on GOMAXPROCS: each element is computed by one goroutine, and row losses
// are summed in row order. So the same seed and data give the same weights
// bit for bit, and independent Graphs can train in parallel goroutines.
//
// # Batch normalisation
//
// NewGraphBN puts the op BatchNorm (Ioffe and Szegedy 2015; per-unit batch
// mean and variance, scale γ, shift β and the ReLU in one op, exact
// gradients) between each hidden layer's affine map and its ReLU. γ, β and
// the running statistics (momentum nn.BNMomentum, ε nn.BNEps) live in an
// nn.BatchNorm, not in the Net; they are Params of the graph, the running
// statistics with gradients that are always zero, so Adam leaves them
// alone and a snapshot of Params (training.Run's best epoch) saves and
// restores them with the weights. The Net's weights stay unfolded while
// training; nn.BatchNorm.Fold merges the running statistics into the
// hidden layers for evaluation (into a copy during training, in place at
// the end), so a trained Net is an ordinary one.
//
// # BLAS
//
// gorgonia's products use gonum's pure-Go BLAS, or OpenBLAS in a build with
// the openblas tag (openblas.go switches gorgonia, package nn/openblas
// switches gonum's blas32 and blas64).
//
// # Cost
//
// One training step costs about three times the forward pass of its batch
// in matrix products (two for the input layer), plus O(batch·outputs) for
// the loss and O(Params()) for Adam.
package nntrain
