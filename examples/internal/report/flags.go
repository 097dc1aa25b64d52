package report

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
)

// Common holds the flags every results program has (quickstart, republic,
// cjk, customloop).
type Common struct {
	// Seed seeds weights, minibatch order and sampling (-seed).
	Seed uint64
	// Out is the file the results table is also written to (-out).
	Out string
	// Quiet turns the progress bars off (-quiet).
	Quiet bool
	// Smoke shrinks the run to seconds (-smoke), for CI.
	Smoke bool
	// Latency is the number of test rows predicted one at a time to
	// measure latency (-latency).
	Latency int
}

// SetFlags defines -seed, -out, -quiet, -smoke and -latency on fs.
func (c *Common) SetFlags(fs *flag.FlagSet) {
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of weights, minibatch order and sampling")
	fs.StringVar(&c.Out, "out", "", "also write the results to this file (.csv, .json or .md)")
	fs.BoolVar(&c.Quiet, "quiet", false, "no progress bars")
	fs.BoolVar(&c.Smoke, "smoke", false, "tiny sizes for a check that the program runs (seconds)")
	fs.IntVar(&c.Latency, "latency", 1000, "test examples predicted one at a time to measure latency")
}

// Progress returns stderr, or nil with -quiet: the writer of the
// programs' progress bars (NewTrainingBar, NewBar).
func (c *Common) Progress(stderr io.Writer) io.Writer {
	if c.Quiet {
		return nil
	}
	return stderr
}

// Write prints t to stdout after a blank line and, with -out, writes it
// to that file too and says so.
func (c *Common) Write(t *Table, stdout io.Writer) error {
	fmt.Fprintln(stdout)
	if err := t.Print(stdout); err != nil {
		return err
	}
	if c.Out == "" {
		return nil
	}
	if err := t.WriteFile(c.Out); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "results written to %s\n", c.Out)
	return err
}

// Text holds the flags of the programs on the next-word task of the
// Republic (quickstart, republic, customloop): the rows (-context, -train,
// -eval, -test) and the network every model of the program shares
// (-hidden, -epochs, -batch, -lr). SetFlags takes the values t holds as
// the flags' defaults.
type Text struct {
	// Context is the number of previous words a model sees.
	Context int
	// TrainRows is the number of training windows drawn at random (0: all
	// of the first 90% of the text).
	TrainRows int
	// EvalRows is the number of training windows training accuracy is
	// measured on.
	EvalRows int
	// TestRows keeps the first this many test windows (0: all of the last
	// 10% of the text).
	TestRows int
	// Hidden is the width of the one hidden ReLU layer.
	Hidden int
	// Epochs is the (maximum) number of training epochs.
	Epochs int
	// Batch is the minibatch size.
	Batch int
	// LR is Adam's learning rate.
	LR float64
}

// SetFlags defines -context, -train, -eval, -test, -hidden, -epochs,
// -batch and -lr on fs, with t's values as defaults.
func (t *Text) SetFlags(fs *flag.FlagSet) {
	fs.IntVar(&t.Context, "context", t.Context, "number of previous words the models see")
	fs.IntVar(&t.TrainRows, "train", t.TrainRows, "training examples drawn at random from the first 90% of the text (0: all 106,812)")
	fs.IntVar(&t.EvalRows, "eval", t.EvalRows, "training examples on which training accuracy is measured (drawn at random)")
	fs.IntVar(&t.TestRows, "test", t.TestRows, "use only the first this many test examples (0: all)")
	fs.IntVar(&t.Hidden, "hidden", t.Hidden, "width of the hidden ReLU layer of every model (far below the 7,409 classes)")
	fs.IntVar(&t.Epochs, "epochs", t.Epochs, "training epochs of every model")
	fs.IntVar(&t.Batch, "batch", t.Batch, "minibatch size")
	fs.Float64Var(&t.LR, "lr", t.LR, "Adam learning rate")
}

// Check returns an error unless -context, -hidden and -epochs are
// positive, -train, -eval and -test not negative, -batch at least 2 and
// -lr positive and finite.
func (t *Text) Check() error {
	if t.Context < 1 || t.TrainRows < 0 || t.EvalRows < 0 || t.TestRows < 0 || t.Hidden < 1 || t.Epochs < 1 || t.Batch < 2 ||
		!(t.LR > 0) || math.IsInf(t.LR, 0) {
		return errors.New("-context, -hidden and -epochs must be positive, -train, -eval and -test >= 0, -batch >= 2, -lr positive and finite")
	}
	return nil
}
