package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/examples/internal/glyphs"
	"github.com/labelcode/labelcode/examples/internal/report"
	"github.com/labelcode/labelcode/examples/internal/report/reporttest"
)

// parse returns the configuration the program gets from args.
func parse(t *testing.T, args ...string) config {
	t.Helper()
	return reporttest.Parse(t, parseArgs, args...)
}

func TestParse(t *testing.T) {
	c := parse(t)
	if len(c.rows) != len(rows) || !slices.Equal(c.hidden, []int{512}) || c.size != 32 || c.to-c.from+1 != 20902 || c.simplexP != 181 ||
		len(c.testFaces) != 1 || c.testFaces[0] != 7 || len(c.bits) != 3 {
		t.Errorf("defaults: %+v", c)
	}
	for _, args := range [][]string{{"-rows", "x"}, {"-from", "1234"}, {"-dsnc-bits", "0"}, {"-test-face", "9"}, {"-out", "a.xml"},
		{"-rows", "onehot,simplex9"}} {
		if _, err := reporttest.ParseErr(parseArgs, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if r, err := parseRune("U+4E00"); err != nil || r != 0x4E00 {
		t.Errorf("parseRune(U+4E00) = %x, %v", r, err)
	}
	if r, err := parseRune("9fa5"); err != nil || r != 0x9FA5 {
		t.Errorf("parseRune(9fa5) = %x, %v", r, err)
	}
	for _, bad := range []string{"4DFF", "9FA6", "zz", ""} {
		if _, err := parseRune(bad); err == nil {
			t.Errorf("parseRune(%q) accepted", bad)
		}
	}
	if v, err := parseInts("16, 64,200"); err != nil || len(v) != 3 || v[2] != 200 {
		t.Errorf("parseInts = %v, %v", v, err)
	}
	if _, err := parseInts("16,0"); err == nil {
		t.Error("a zero code size accepted")
	}
	if f, err := parseFaces("all"); err != nil || len(f) != 8 {
		t.Errorf("parseFaces(all) = %v, %v", f, err)
	}
	if f, err := parseFaces("babelstone han, 0"); err != nil || len(f) != 2 || f[0] != 7 || f[1] != 0 {
		t.Errorf("parseFaces = %v, %v", f, err)
	}
	for _, bad := range []string{"8", "-1", "Comic Sans"} {
		if _, err := parseFaces(bad); err == nil {
			t.Errorf("parseFaces(%q) accepted", bad)
		}
	}
	if c := parse(t, "-rows", "simplex3, dsnc"); !slices.Equal(c.rows, []string{"simplex3", "dsnc"}) {
		t.Errorf("-rows simplex3, dsnc: %q", c.rows)
	}
}

// TestSmokeSkipsWithoutFonts: with no font installed the smoke run skips
// with a message naming the packages, and installs nothing.
func TestSmokeSkipsWithoutFonts(t *testing.T) {
	dir := t.TempDir()
	var faces []glyphs.Face
	for _, f := range glyphs.Faces() {
		f.Path = filepath.Join(dir, "missing", f.Name+".ttf")
		faces = append(faces, f)
	}
	c := parse(t, "-smoke", "-quiet", "-rows", "onehot")
	c.faces = faces
	err := run(context.Background(), c, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, report.ErrSkip) {
		t.Fatalf("got %v, want report.ErrSkip", err)
	}
	for _, pkg := range []string{"fonts-noto-cjk", "fonts-hanazono", "install-fonts.sh"} {
		if !strings.Contains(err.Error(), pkg) {
			t.Errorf("message lacks %q: %v", pkg, err)
		}
	}
	// Without -smoke, missing fonts are an error (not a skip) naming them.
	c.Smoke = false
	if err := run(context.Background(), c, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || errors.Is(err, report.ErrSkip) ||
		!errors.Is(err, glyphs.ErrFontMissing) {
		t.Errorf("full run without fonts: %v", err)
	}
}

// TestSmoke runs a few rows at smoke sizes on the installed faces; it
// skips when fewer than two are installed.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("renders glyphs and trains")
	}
	out := filepath.Join(t.TempDir(), "r.csv")
	smoke(t, []string{"64 classes (U+4E00..U+4E3F)", "one network per site", "RS over GF(11)", "table of NN"},
		"-arch", "ensemble", "-out", out, "-rows", "onehot,ecoc,simplex3,mixed2,dsnc")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Header, 4 code rows and 4 DSNC decoders of the 8-bit code.
	if n := strings.Count(string(b), "\n"); n != 9 {
		t.Errorf("CSV has %d lines, want 9:\n%s", n, b)
	}
}

// TestSmokeBatchNorm runs the shared-trunk LM and DSNC with batch
// normalisation of the hidden layers and of the code layer.
func TestSmokeBatchNorm(t *testing.T) {
	if testing.Short() {
		t.Skip("renders glyphs and trains")
	}
	smoke(t, []string{"batch norm while training", "DSNC: batch norm before the code sigmoid", "mixed LM", "DSNC, linear decoder"},
		"-rows", "mixed3,dsnc", "-batchnorm", "-dsnc-code-batchnorm")
}

// smoke runs the program with -smoke -quiet and args, skipping the test
// when too few faces are installed, and checks that the output holds every
// string of want.
func smoke(t *testing.T, want []string, args ...string) {
	t.Helper()
	c := parse(t, append([]string{"-smoke", "-quiet"}, args...)...)
	var stdout bytes.Buffer
	err := run(context.Background(), c, &stdout, &bytes.Buffer{})
	if errors.Is(err, report.ErrSkip) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, stdout.String())
		}
	}
}

func TestMeanTable(t *testing.T) {
	a := &report.Table{Settings: []string{"face A", "net"}}
	a.Add(labelcode.Result{Model: "m", TrainAcc: 0.5, TestAcc: 0.2, Latency: 10, TrainTime: 100, Params: 7})
	b := &report.Table{Settings: []string{"face B", "net"}}
	b.Add(labelcode.Result{Model: "m", TrainAcc: 0.7, TestAcc: 0.4, Latency: 30, TrainTime: 300, Params: 7})
	m := meanTable([]*report.Table{a, b})
	r := m.Rows[0]
	if len(m.Rows) != 1 || math.Abs(r.TrainAcc-0.6) > 1e-12 || math.Abs(r.TestAcc-0.3) > 1e-12 ||
		r.Latency != 20 || r.TrainTime != 200 || r.Params != 7 || !strings.Contains(r.Note, "mean of 2 faces") {
		t.Errorf("mean row %+v", r)
	}
	if len(m.Settings) != 1 || m.Settings[0] != "net" {
		t.Errorf("settings %q", m.Settings)
	}
}
