// Package reporttest holds what the example programs' tests share: parsing
// a program's flags without exiting, and running it quietly at smoke sizes
// with its output checked.
package reporttest

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
)

// Parse returns the configuration that parse (a program's parseArgs) gives
// for args on a new flag set that returns errors instead of exiting; it
// fails t on an error.
func Parse[C any](t testing.TB, parse func(*flag.FlagSet, []string) (C, error), args ...string) C {
	t.Helper()
	c, err := ParseErr(parse, args...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ParseErr is Parse returning the error, with usage output discarded: for
// the tests of bad flags.
func ParseErr[C any](parse func(*flag.FlagSet, []string) (C, error), args ...string) (C, error) {
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return parse(fs, args)
}

// Run calls run (a program's run) with c and returns what it wrote to
// standard output; it fails t when run fails, when it writes to standard
// error (the tests run with -quiet) or when its output lacks one of want.
func Run[C any](t testing.TB, run func(context.Context, C, io.Writer, io.Writer) error, c C, want ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), c, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("quiet run wrote to stderr: %q", stderr.String())
	}
	return got
}

// Rejects fails t for each of the flag lists that parse and run together
// accept: each is parsed after base (e.g. -smoke -quiet) and, when it
// parses, run without training output.
func Rejects[C any](t testing.TB, parse func(*flag.FlagSet, []string) (C, error),
	run func(context.Context, C, io.Writer, io.Writer) error, base []string, bad ...[]string) {
	t.Helper()
	for _, args := range bad {
		c, err := ParseErr(parse, append(append([]string(nil), base...), args...)...)
		if err == nil {
			err = run(context.Background(), c, io.Discard, io.Discard)
		}
		if err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
