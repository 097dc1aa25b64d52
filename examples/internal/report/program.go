package report

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"slices"
	"strings"
)

// ErrSkip ends a run that cannot run on this machine (a smoke run without
// the fonts it needs): Run logs an error that wraps it and returns, so the
// program exits with status 0.
var ErrSkip = errors.New("skipped")

// CommandLine prepares the process's command line for the example program
// name and returns flag.CommandLine, on which the program defines and
// parses its flags: log lines are prefixed "name: " and carry no time, and
// -h (or a bad flag) prints usage followed by the flags' defaults.
func CommandLine(name, usage string) *flag.FlagSet {
	log.SetFlags(0)
	log.SetPrefix(name + ": ")
	fs := flag.CommandLine
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// Run calls run with the process's standard output and error under a
// context that an interrupt (Ctrl-C) cancels. An error that wraps ErrSkip
// is logged and Run returns; any other error is logged by log.Fatal, which
// exits with status 1.
func Run(run func(ctx context.Context, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Stdout, os.Stderr)
	if errors.Is(err, ErrSkip) {
		log.Print(err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
}

// SelectRows returns the rows a -rows flag names: every key, in order, for
// "all" or an empty list; else the comma-separated keys of list, spaces
// around them trimmed, each of which must be one of keys.
func SelectRows(list string, keys []string) ([]string, error) {
	if list == "all" || list == "" {
		return slices.Clone(keys), nil
	}
	var out []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("unknown row %q (see -h)", k)
		}
		out = append(out, k)
	}
	return out, nil
}

// Ints writes a as decimal numbers separated by spaces: "89 97 101".
func Ints(a []int) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " ")
}
