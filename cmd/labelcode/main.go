// Command labelcode trains, assembles, serves and describes labelcode models
// from the command line, the way fastText, Vowpal Wabbit and LIBLINEAR are
// used: a data file in, a model file out, predictions on standard output.
//
// Install:
//
//	go install github.com/labelcode/labelcode/cmd/labelcode@latest
//
// Subcommands (each has -h):
//
//	labelcode train      -data FILE -code onehot|ecoc|mixed|simplex|dsnc -out MODEL
//	labelcode train-site -data FILE -code mixed|simplex|ecoc|onehot -sites n [-site N] -out sites/site-%d.lm
//	labelcode assemble   [-allow-missing] -out MODEL SITEFILE...
//	labelcode predict    -model MODEL [-k 5] [-json] [-data FILE]
//	labelcode eval       -model MODEL -data FILE [-k 5]
//	labelcode info       MODEL
//
// Data files are LIBSVM/SVMLight text (sparse or dense, 1-based feature
// indices) or CSV (label in the first column, then the features, an optional
// header line); the format follows the file's extension (.csv is CSV) unless
// -format says otherwise.
//
// train-site trains one site of a Label Mapping ensemble, the site given by
// -site or, when the flag is absent, by the scheduler's array index
// (SLURM_ARRAY_TASK_ID of a Slurm job array, JOB_COMPLETION_INDEX of a
// Kubernetes Indexed Job). With the same flags and data, a site trained
// anywhere equals the site that train trains in one process, bit for bit, so
// assemble's model equals train's. Every site file has a manifest beside it
// (<file>.json) that assemble checks: the same code, options, seed and data.
//
// Exit status: 0 on success, 2 for bad usage (an unknown flag, a missing or
// invalid value), 1 for any other error; the error is one line on standard
// error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand reads and writes besides its flags: standard
// streams and the process environment, so that tests can run main in-process
// if they want to.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// terminal says whether stderr is a terminal (progress bar).
	terminal bool
}

var commands []command

func init() {
	commands = []command{
		{"train", "train a model on a data file", runTrain},
		{"train-site", "train one site of a Label Mapping ensemble (Slurm/Kubernetes array task)", runTrainSite},
		{"assemble", "assemble site files into one model", runAssemble},
		{"predict", "print the top-k labels of each input row", runPredict},
		{"eval", "accuracy, top-k accuracy and latency of a model on a labelled file", runEval},
		{"info", "describe a model file", runInfo},
	}
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// errHelp is returned after -h printed the usage: exit status 0.
var errHelp = errors.New("help")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, terminal: isTerminal(os.Stderr)}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run runs the command line args (without the program name) and returns the
// exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		mainUsage(e.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				return finish(e, c.name, c.run(ctx, e, []string{"-h"}))
			}
			fmt.Fprintf(e.stderr, "labelcode: unknown command %q (run labelcode -h)\n", args[1])
			return 2
		}
		mainUsage(e.stdout)
		return 0
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "labelcode: unknown command %q (run labelcode -h)\n", name)
		return 2
	}
	return finish(e, c.name, c.run(ctx, e, args[1:]))
}

// finish prints err as one line and returns the exit status.
func finish(e *env, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "labelcode %s: %s (run labelcode %s -h)\n", name, oneLine(ue.msg), name)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(e.stderr, "labelcode %s: interrupted\n", name)
		return 1
	default:
		fmt.Fprintf(e.stderr, "labelcode %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func mainUsage(w io.Writer) {
	fmt.Fprintf(w, "labelcode trains and serves classifiers with very many classes through label codes.\n\n")
	fmt.Fprintf(w, "Usage:\n\n\tlabelcode <command> [flags] [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun labelcode <command> -h for a command's flags.\n")
	fmt.Fprintf(w, "Exit status: 0 success, 1 error, 2 bad usage.\n")
}
