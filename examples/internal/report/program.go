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

	"github.com/labelcode/labelcode/codes"
)

// ErrSkip ends a run that cannot run on this machine (a smoke run without
// the fonts it needs): Main logs an error that wraps it and returns, so the
// program exits with status 0.
var ErrSkip = errors.New("skipped")

// Main is the main function of an example program called name: it
// defines the program's flags on the process's command line (parse defines
// them on fs and parses args), with usage and the flags' defaults for -h,
// log lines prefixed "name: " without time, then calls run with the
// process's standard output and error under a context that an interrupt
// (Ctrl-C) cancels. A bad flag exits with status 2, an error of run that
// wraps ErrSkip is logged and the program exits with status 0, any other
// error is logged and it exits with status 1.
func Main[C any](name, usage string, parse func(fs *flag.FlagSet, args []string) (C, error),
	run func(ctx context.Context, c C, stdout, stderr io.Writer) error) {
	log.SetFlags(0)
	log.SetPrefix(name + ": ")
	fs := flag.CommandLine
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	c, err := parse(fs, os.Args[1:])
	if err != nil {
		log.Print(err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, c, os.Stdout, os.Stderr)
	stop()
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

// Moduli writes the number of classes of each site of m, separated by
// spaces: the primes of a mixed Label Mapping, "89 97 101".
func Moduli(m codes.Mapping) string {
	n := make([]int, m.Sites())
	for i := range n {
		n[i] = m.SiteClasses(i)
	}
	return Ints(n)
}
