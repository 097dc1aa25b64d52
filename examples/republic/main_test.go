package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/labelcode/labelcode/examples/internal/report/reporttest"
)

func TestSelectRows(t *testing.T) {
	all, err := reporttest.ParseErr(parseArgs, "-rows", "all")
	if err != nil || len(all.rows) != len(rows) {
		t.Fatalf("all: %v, %d rows", err, len(all.rows))
	}
	got, err := reporttest.ParseErr(parseArgs, "-rows", "onehot, dsnc")
	if err != nil || len(got.rows) != 2 || got.rows[1] != "dsnc" {
		t.Errorf("got %v, %v", got.rows, err)
	}
	for _, args := range [][]string{{"-rows", "onehot,nosuch"}, {"-rows", "nosuch"}, {"-out", "r.txt"}, {"-epochs", "x"}} {
		if _, err := reporttest.ParseErr(parseArgs, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	c := reporttest.Parse(t, parseArgs)
	if len(c.rows) != len(rows) || c.Hidden != 100 || c.Context != 4 {
		t.Errorf("defaults: %+v", c)
	}
}

// TestSmoke runs a few rows at smoke sizes, one of each kind (ensemble,
// shared trunk, another input encoding, DSNC), and checks the JSON output.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models on the Republic (seconds)")
	}
	out := filepath.Join(t.TempDir(), "r.json")
	c := reporttest.Parse(t, parseArgs, "-smoke", "-quiet", "-out", out, "-rows", "mixed2,simplex2,cutoff-in,shared6,dsnc,dsnc-reg")
	reporttest.Run(t, run, c, "2 sites, mod 89 97", "RS over GF(89)", "cut-off one-hot", "shared trunk", "Hamming NN decoder", "paper")
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
