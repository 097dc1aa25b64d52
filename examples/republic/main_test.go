package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSelectRows(t *testing.T) {
	parse := func(args ...string) (config, error) {
		fs := flag.NewFlagSet("republic", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return parseArgs(fs, args)
	}
	all, err := parse("-rows", "all")
	if err != nil || len(all.rows) != len(rows) {
		t.Fatalf("all: %v, %d rows", err, len(all.rows))
	}
	got, err := parse("-rows", "onehot, dsnc")
	if err != nil || len(got.rows) != 2 || got.rows[1] != "dsnc" {
		t.Errorf("got %v, %v", got.rows, err)
	}
	if _, err := parse("-rows", "onehot,nosuch"); err == nil {
		t.Error("unknown row accepted")
	}
	for _, args := range [][]string{{"-rows", "nosuch"}, {"-out", "r.txt"}, {"-epochs", "x"}} {
		fs := flag.NewFlagSet("republic", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if _, err := parseArgs(fs, args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	c, err := parseArgs(flag.NewFlagSet("republic", flag.ContinueOnError), nil)
	if err != nil || len(c.rows) != len(rows) || c.hidden != 100 || c.context != 4 {
		t.Errorf("defaults: %+v, %v", c, err)
	}
}

// TestSmoke runs a few rows at smoke sizes, one of each kind (ensemble,
// shared trunk, another input encoding, DSNC), and checks the JSON output.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models on the Republic (seconds)")
	}
	out := filepath.Join(t.TempDir(), "r.json")
	c, err := parseArgs(flag.NewFlagSet("republic", flag.ContinueOnError),
		[]string{"-smoke", "-quiet", "-out", out, "-rows", "mixed2,simplex2,cutoff-in,shared6,dsnc,dsnc-reg"})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), c, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 sites, mod 89 97", "RS over GF(89)", "cut-off one-hot", "shared trunk", "Hamming NN decoder"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var tab struct {
		Results []struct {
			Params  int      `json:"params"`
			TestAcc *float64 `json:"test_accuracy"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &tab); err != nil {
		t.Fatal(err)
	}
	if len(tab.Results) != 8 {
		t.Fatalf("%d results, want 8 (each DSNC row gives two)", len(tab.Results))
	}
	for i, r := range tab.Results {
		if r.Params <= 0 || r.TestAcc == nil || *r.TestAcc < 0 || *r.TestAcc > 1 {
			t.Errorf("row %d: %+v", i, r)
		}
	}
}
