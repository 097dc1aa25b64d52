// Package training holds what every model of this module trains with, once for
// both families (Label Mapping and DSNC): the training loop Run, the Adam
// optimizer, the minibatch Sampler, learning rate Schedules, and the record
// a training run leaves, History, with the Progress reports it sends.
//
// labelmap and dsnc models call Run from their Fit methods; a custom
// training loop uses the same parts directly (a model's training graph,
// Sampler, Adam, Schedule) and reproduces Fit bit for bit.
//
// Counting convention, everywhere in this module's public API: epochs and
// the batches of an epoch count from 1; History.Best = 0 names the initial
// weights.
package training
