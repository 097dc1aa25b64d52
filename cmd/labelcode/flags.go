package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns a flag set whose -h prints usage (a synopsis and a
// description) and the flags to out.
func newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("labelcode "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: labelcode %s %s\n\n", name, synopsis)
		if description != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(description))
		}
		fmt.Fprintf(w, "Flags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs. -h prints the usage on out and returns
// errHelp; a bad flag is a usageError.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(out)
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return &usageError{err.Error()}
	}
	return nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
