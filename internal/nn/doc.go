// Package nn is the network representation and the graph-free forward
// pass shared by labelmap, dsnc and the serving package infer: MLP weights
// as plain float32 slices (Spec, Dense, Net), their binary encoding
// (MarshalBinary, UnmarshalBinary), and inference (Forward, ForwardBatch,
// LogSoftmax, RowAffine, SumRows, ArgMax, and CheckRow/CheckRows, the one
// check of an input row) with the AVX2 kernels and parallel helpers it
// needs. It imports neither gorgonia nor its tensor package, so
// that a program which only loads a model and predicts does not link the
// training engine; training (the gorgonia graph, its fused ops, Adam, the
// minibatch loop) is package nntrain, built on this one.
//
// # Conventions
//
// A Net is a Spec (Inputs, Hidden widths, Heads sizes) and its layers. A
// Dense layer computes y = x·W + B with W stored In×Out row-major. Hidden
// layers use ReLU; every head is a softmax over its classes. Several heads
// on one trunk are the shared-trunk network of the Label Mapping paper
// (Figure 4a). Examples are rows of a row-major []float32. Outputs of
// Forward and ForwardBatch are log-probabilities, heads concatenated in
// order, Spec.Outputs() per row.
//
// The elementwise kernels (Exp32, ExpShiftSum32, Max32, Scale32, Rectify,
// FMA32) run eight lanes at a time in AVX2 assembly when the CPU has it
// (simd_amd64.s; the purego tag or another architecture selects the Go
// loops, which compute the same values element by element). ParallelFor
// splits elementwise work between GOMAXPROCS goroutines; no result depends
// on the split. nntrain's ops are built from these kernels, so training and
// inference share one implementation of each.
//
// # BLAS
//
// Matrix products go through gonum's blas32 and blas64. By default that is
// gonum's pure-Go implementation, which needs no C toolchain. Built with
// the openblas tag (go build -tags openblas, with libopenblas-dev
// installed), package openblas, imported here, switches both to OpenBLAS
// through cgo, process-wide (nntrain switches gorgonia's BLAS the same
// way); Backend says which.
//
// # Cost
//
// Forward is one matrix-vector product per layer, O(Params()), plus one
// exp per output; with AVX2 and FMA it streams each row of W once through
// an assembly kernel (RowAffine) and skips the rows that meet a zero input
// (half of a ReLU layer's outputs, typically). ForwardBatch is one BLAS
// matrix product per layer (parallel inside the BLAS). Both are safe for
// concurrent use, and allocation-free given a Workspace and a dst of
// sufficient capacity. UnmarshalBinary checks every size, without
// overflow, against the bytes left before allocating (limits.ErrTooLarge
// beyond a limit).
package nn
