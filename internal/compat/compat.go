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

// Dir returns the directory of the files of a release ("v1", ...), found
// from this source file's location so that tests of any package find it.
func Dir(release string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "compat", release)
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
