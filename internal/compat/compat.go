// Package compat reads the files of testdata/compat: model and index files
// written by earlier releases, the rows to predict on and the answers each
// file must give. Tests of the loaders use it to check that old files still
// load and predict the same.
package compat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Expect is what one file must give on the rows of Inputs.
type Expect struct {
	File    string  `json:"file"`
	Labels  []int   `json:"labels"`
	Top3    [][]int `json:"top3"`
	Codes   int     `json:"codes"`
	Bits    int     `json:"bits"`
	Nearest [][]int `json:"nearest"`
}

// Inputs are the rows every model file is evaluated on.
type Inputs struct {
	Features int       `json:"features"`
	Rows     int       `json:"rows"`
	X        []float32 `json:"x"`
}

// Row returns row i.
func (in *Inputs) Row(i int) []float32 { return in.X[i*in.Features : (i+1)*in.Features] }

// root is testdata/compat, found from this source file's location so that
// tests of any package find it.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "compat")
}

// Dir returns the directory of the files of a release ("v1", ...).
func Dir(release string) string { return filepath.Join(root(), release) }

// Path returns the path of a file of a release.
func Path(release, name string) string { return filepath.Join(root(), release, name) }

// Releases returns the releases whose files testdata/compat holds ("v1",
// "v2", ...), oldest first: v1 wrote the formats of before the container
// (DSNCMODL, LABELMAP, HMNG frames), v2 and later write containers.
func Releases() []string {
	entries, _ := os.ReadDir(root())
	var out []string
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "v")
		if _, err := strconv.Atoi(n); e.IsDir() && ok && err == nil {
			out = append(out, e.Name())
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		x, _ := strconv.Atoi(a[1:])
		y, _ := strconv.Atoi(b[1:])
		return x - y
	})
	return out
}

// Container reports whether the files of a release are containers
// (internal/container): every release after v1.
func Container(release string) bool { return release != "v1" }

// Read returns the file name of a release, or fails tb.
func Read(tb testing.TB, release, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(release, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Containers returns the file name of every release that writes containers
// (v2 on), oldest first: files the library itself wrote, with real
// weights, that fuzz targets start from.
func Containers(tb testing.TB, name string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, rel := range Releases() {
		if Container(rel) {
			out = append(out, Read(tb, rel, name))
		}
	}
	return out
}

// Run runs test once for every release, as a subtest named after it, with
// the release's inputs and expectations.
func Run(t *testing.T, test func(t *testing.T, release string, in *Inputs, exp map[string]Expect)) {
	for _, rel := range Releases() {
		t.Run(rel, func(t *testing.T) {
			in, exp, err := Load(rel)
			if err != nil {
				t.Fatal(err)
			}
			test(t, rel, in, exp)
		})
	}
}

// Predict returns p's label for every row, failing tb on an error.
func (in *Inputs) Predict(tb testing.TB, p interface{ Predict([]float32) (int, error) }) []int {
	tb.Helper()
	got := make([]int, in.Rows)
	for i := range got {
		var err error
		if got[i], err = p.Predict(in.Row(i)); err != nil {
			tb.Fatalf("row %d: %v", i, err)
		}
	}
	return got
}

// Resaved checks, for a release that writes containers, that data (saved
// again from what was loaded from its file name, with error err) are the
// file's bytes; for an earlier release it does nothing.
func Resaved(tb testing.TB, release, name string, data []byte, err error) {
	tb.Helper()
	if !Container(release) {
		return
	}
	if want := Read(tb, release, name); err != nil || string(data) != string(want) {
		tb.Errorf("saving the loaded %s does not give the release's bytes (%v)", name, err)
	}
}

// Load reads the inputs and the expectations of a release.
func Load(release string) (*Inputs, map[string]Expect, error) {
	dir := Dir(release)
	var in Inputs
	if err := readJSON(filepath.Join(dir, "inputs.json"), &in); err != nil {
		return nil, nil, err
	}
	var list []Expect
	if err := readJSON(filepath.Join(dir, "expect.json"), &list); err != nil {
		return nil, nil, err
	}
	m := make(map[string]Expect, len(list))
	for _, e := range list {
		m[e.File] = e
	}
	return &in, m, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
