package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelcode/labelcode/examples/internal/report/reporttest"
)

// TestSmoke runs the whole program at smoke sizes and checks the table,
// the predictions and the -out file.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models on the Republic (seconds)")
	}
	out := filepath.Join(t.TempDir(), "r.csv")
	c := reporttest.Parse(t, parseArgs, "-smoke", "-quiet", "-out", out)
	reporttest.Run(t, run, c, "7409 classes", "one-hot softmax", "3 sites, mod 89 97 101", "DSNC, linear decoder",
		"DSNC, nearest training code", "3-hot vector of its residues mod 89 97 101", "top-5 acc", "Some test predictions", "(* = right)")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("CSV has %d lines, want a header and 4 rows:\n%s", n, b)
	}
}

func TestBadFlags(t *testing.T) {
	reporttest.Rejects(t, parseArgs, run, []string{"-smoke", "-quiet"},
		[]string{"-sites", "1"}, []string{"-input", "pixels"}, []string{"-width", "0"}, []string{"-batch", "1"}, []string{"-out", "r.txt"})
}
