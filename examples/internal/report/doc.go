// Package report is what the example programs share to show their work: a
// results table (Table, Result) printed aligned on a terminal and written
// as CSV or JSON for the -out flag, a terminal progress bar (Bar) driven by
// the training callbacks of labelmap and dsnc, and small measuring helpers
// (Latency, Machine).
//
// # Conventions
//
// Accuracies are fractions in [0, 1]; NaN means "not measured" and is
// printed as "-" and written as an empty CSV field or a JSON null. Times are
// time.Duration in Go and seconds (training) or microseconds (latency) in
// the files. A Bar writes to an io.Writer, normally os.Stderr, so that the
// table on os.Stdout stays clean when it is redirected; on a terminal it
// redraws one line in place (at most every 100 ms), elsewhere it writes a
// plain line at most every 30 seconds and at the end.
//
// # Cost
//
// Printing and writing are linear in the number of rows. A Bar's Add is a
// mutex and a time check, about 50 ns when it does not redraw, so it can
// be called after every minibatch from several goroutines.
package report
