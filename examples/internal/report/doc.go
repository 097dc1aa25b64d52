// Package report is what the example programs share beside the library's
// public API, which they call themselves so that a reader can copy the
// code: a results table (Table, Row) printed through the library's
// labelcode.Results with a title, settings and the two columns the paper
// reproductions add (Input, Paper), written as CSV, JSON or Markdown for
// the -out flag; a terminal progress bar (Bar, NewTrainingBar) whose
// Progress method is the WithProgress option of labelmap and dsnc models;
// the input encodings and rows of the text task (WindowRows over a
// WordEncoder: labelmap.InputEncoder through LMInput, CutOff,
// RandomProjection; RepublicWindows and TextRows for the -train and -test
// flags); and the command-line plumbing every program has (Main, the
// Common flags, SelectRows for -rows, ErrSkip).
//
// # Conventions
//
// Accuracies are fractions in [0, 1]; NaN means "not measured" and is
// printed as "-" and written as an empty CSV field or a JSON null. Times are
// time.Duration in Go and seconds (training) or microseconds (latency) in
// the files. Training time is wall time; latency is the mean wall time of
// Predict on one example at a time on one goroutine, after one warm-up
// call (labelcode.Result.Measure). A Bar writes to an io.Writer, normally
// os.Stderr, so that the table on os.Stdout stays clean when it is
// redirected; on a terminal it redraws one line in place (at most every
// 100 ms), elsewhere it writes a plain line at most every 30 seconds and
// at the end.
//
// # Cost
//
// Printing and writing are linear in the number of rows. A Bar's Add is a
// mutex and a time check when it does not redraw, so it can be called
// after every minibatch from several goroutines. WindowRows allocates
// 4·c·Width() bytes per example (c context words).
package report
