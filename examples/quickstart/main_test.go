package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSmoke runs the whole program at smoke sizes and checks the table,
// the predictions and the -out file.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models on the Republic (seconds)")
	}
	out := filepath.Join(t.TempDir(), "r.csv")
	c := smokeConfig(config{batch: 128, lr: 2e-3, sites: 3, seed: 1, out: out, quiet: true})
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), c, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	for _, want := range []string{"7409 classes", "one-hot softmax", "3 sites, mod 89 97 101", "DSNC, linear decoder",
		"DSNC, nearest training code", "Some test predictions", "(* = right)"} {
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
	c := smokeConfig(config{batch: 128, lr: 2e-3, sites: 1, seed: 1, quiet: true})
	if err := run(context.Background(), c, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("one site accepted")
	}
}
