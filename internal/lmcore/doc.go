// Package lmcore is the graph-free part of Label Mapping: the model file
// format (Open, Reader, Writer, ParseEnsemble, ParseMultiHead, DecodeMLP),
// the max-product prediction shared by every model (Decoder over a
// SiteScorer: one row, top-k, per-site scores, batches), and the scorers
// of networks (NetScorer for a shared-trunk model, NetsScorer for an
// ensemble of one-head MLPs). It imports neither gorgonia nor its tensor
// package: package labelmap builds its Ensemble and MultiHead on it, and
// package infer serves the same files with it.
//
// # Conventions
//
// Per-site scores are log-probabilities, []float64 per site (nil for a
// missing site). Errors are the sentinels declared here, which labelmap
// re-exports under the same names.
//
// # Cost
//
// Parsing checks every length against the bytes left before using it and a
// network's weight count, without overflow, against its bytes before a
// layer is made, so it allocates no more than about len(data) plus the
// mapping. Predict costs the scorer's forward passes plus the decoder's
// search and allocates nothing in steady state (scratch from a pool);
// PredictBatch scores chunks of rows with one matrix product per layer and
// spreads their decoding over GOMAXPROCS goroutines. A Decoder is safe for
// concurrent use.
package lmcore
