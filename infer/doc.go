// Package infer serves saved models without the training engine: Load
// (or Unmarshal) recognises a model file written by package dsnc (a model
// or a predictor, with its decoder) or by package labelmap (an ensemble of
// MLP learners, a shared-trunk MultiHead model) and returns a Model that
// predicts labels (Predict, PredictBatch) and ranked labels with scores
// (TopK). It imports neither gorgonia nor its tensor package, so a program
// that only serves models stays small: infer/internal/servecheck, which
// imports nothing else of this module, and infer/check_deps.sh, which fails
// if that program ever links gorgonia.
//
// The models are the same code as in dsnc and labelmap (their graph-free
// cores), so a file predicts the same labels through infer as through
// the package that wrote it.
//
// # Conventions
//
// Rows are []float32 of Features values, batches row-major. Methods with a
// dst slice return the result in it, grown when short. Errors wrap the
// sentinels ErrFormat, ErrCorrupt (with ErrTooLarge for a size beyond what
// the data hold), ErrUnsupported and ErrInput; test with errors.Is. A
// Label Mapping ensemble whose learners are not all MLPs cannot be served
// without their code: Load returns ErrUnsupported.
//
// # Scores
//
// TopK's scores are, for Label Mapping models, the log-probability sums
// Σ_i log p_i(f_i(y)) that max-product decoding maximises; for a DSNC
// model with the linear decoder, the float32 linear score of each class
// given the example's code. DSNC's nearest-code and table decoders give a
// label but no per-class score, and TopK returns ErrUnsupported for them.
//
// # Cost
//
// Loading reads the file once and allocates no more than about twice its
// size (every count is checked, without overflow, against the bytes left),
// plus what the decoder needs (a DSNC table: 4·2^Bits bytes). Predict is
// one matrix-vector product per layer plus the decoder (see dsnc and
// labelmap) and allocates nothing in steady state, nor does TopK given a
// dst of capacity k. PredictBatch uses one matrix product per layer for a
// block of rows, on GOMAXPROCS goroutines. A Model is safe for concurrent
// use.
package infer
