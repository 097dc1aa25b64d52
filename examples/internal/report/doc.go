// Package report is what the example programs share: a results table
// (Table, Result) printed aligned on a terminal and written as CSV or JSON
// for the -out flag; a terminal progress bar (Bar) driven by the training
// callbacks of labelmap and dsnc; training and measuring helpers that fill
// a table row the same way for every model (FitEnsemble, FitMultiHead,
// FitDSNC, Measure, Latency, Machine); the input encodings and rows of the
// text task (WindowRows over a WordEncoder: labelmap.InputEncoder through
// LMInput, CutOff, RandomProjection; RepublicWindows and TextRows for the
// -train and -test flags); and the command-line plumbing every program has
// (CommandLine, Run with ErrSkip, SelectRows for -rows).
//
// # Conventions
//
// Accuracies are fractions in [0, 1]; NaN means "not measured" and is
// printed as "-" and written as an empty CSV field or a JSON null. Times are
// time.Duration in Go and seconds (training) or microseconds (latency) in
// the files. Training time is wall time; latency is the mean wall time of
// Predict on one example at a time on one goroutine, after one warm-up
// call. A Bar writes to an io.Writer, normally os.Stderr, so that the table
// on os.Stdout stays clean when it is redirected; on a terminal it redraws
// one line in place (at most every 100 ms), elsewhere it writes a plain
// line at most every 30 seconds and at the end.
//
// # Cost
//
// Printing and writing are linear in the number of rows. A Bar's Add is a
// mutex and a time check when it does not redraw, so it can be called
// after every minibatch from several goroutines. WindowRows allocates
// 4·c·Width() bytes per example (c context words); Measure costs one
// PredictBatch over the training sample and the test set plus the latency
// rows one at a time.
package report
