package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parse returns the configuration the program gets from args.
func parse(t *testing.T, args ...string) config {
	t.Helper()
	c, err := parseArgs(flag.NewFlagSet("quickstart", flag.ContinueOnError), args)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSmoke runs the whole program at smoke sizes and checks the table,
// the predictions and the -out file.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models on the Republic (seconds)")
	}
	out := filepath.Join(t.TempDir(), "r.csv")
	c := parse(t, "-smoke", "-quiet", "-out", out)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), c, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	for _, want := range []string{"7409 classes", "one-hot softmax", "3 sites, mod 89 97 101", "DSNC, linear decoder",
		"DSNC, nearest training code", "3-hot vector of its residues mod 89 97 101", "Some test predictions", "(* = right)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("quiet run wrote to stderr: %q", stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("CSV has %d lines, want a header and 4 rows:\n%s", n, b)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-sites", "1"}, {"-input", "pixels"}, {"-width", "0"}, {"-batch", "1"}} {
		c := parse(t, append([]string{"-smoke", "-quiet"}, args...)...)
		if err := run(context.Background(), c, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
