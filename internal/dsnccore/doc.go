// Package dsnccore is the graph-free part of DSNC: a model as plain
// slices (Config, Layer, Model), its file format (Marshal, Unmarshal), the
// float32 encoder (Encoder: one row through nn.RowAffine, a batch through
// BLAS, thresholded to a packed code) and the Predictor with its decoders
// (linear in float32, nearest training code, table of all codes). It
// imports neither gorgonia nor its tensor package: package dsnc wraps these
// types for training and its public API, and package infer serves them.
//
// # Conventions
//
// A layer's W is In×Out row-major and W, B are both []float32 or both
// []float64 (Model.Float64). Codes are packed in hamming's order (bit i is
// bit i%64 of word i/64, unused high bits zero). Methods with a dst slice
// return the result in it, grown when short. Errors are the sentinels
// declared here, which dsnc re-exports under the same names.
//
// # Cost
//
// Unmarshal allocates no more than about twice the data's size: every
// count is checked, without overflow, against the bytes left (ErrCorrupt
// with limits.ErrTooLarge otherwise). NewPredictor copies the encoder
// weights to float32 and builds the decoder: O(training codes) for the
// nearest decoder, O(2^Bits·Bits) or O(2^Bits·Classes) for a table.
// Predict costs the encoder's O(Σ In·Out) plus the decoder's (linear:
// O(min(popcount, Bits−popcount)·Classes)) and allocates nothing in steady
// state; TopK adds O(Classes·k). Predictor is safe for concurrent use.
package dsnccore
