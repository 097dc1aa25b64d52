package dsnc

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

// TestCompatFiles loads the DSNC model files written by an earlier release
// (with the linear decoder, and with the decoder each file recorded) and
// checks that they predict what they did then.
func TestCompatFiles(t *testing.T) {
	in, exp, err := compat.Load("v1")
	if err != nil {
		t.Fatal(err)
	}
	dir := compat.Dir("v1")
	predictAll := func(t *testing.T, p *Model) []int {
		t.Helper()
		got := make([]int, in.Rows)
		for i := range got {
			if got[i], err = p.Predict(in.Row(i)); err != nil {
				t.Fatal(err)
			}
		}
		return got
	}
	for _, name := range []string{"dsnc.model", "dsnc-01.model"} {
		t.Run(name, func(t *testing.T) {
			p, err := Load(filepath.Join(dir, name), WithDecoder(Decoding{Kind: LinearDecoding}))
			if err != nil {
				t.Fatal(err)
			}
			if p.Config.Symmetric != (name == "dsnc.model") {
				t.Errorf("Symmetric = %v", p.Config.Symmetric)
			}
			if got := predictAll(t, p); !slices.Equal(got, exp[name].Labels) {
				t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, exp[name].Labels)
			}
		})
		for _, dec := range []string{"linear", "nearest", "table"} {
			file := name + "." + dec
			t.Run(file, func(t *testing.T) {
				p, err := Load(filepath.Join(dir, file))
				if err != nil {
					t.Fatal(err)
				}
				if got := predictAll(t, p); !slices.Equal(got, exp[file].Labels) {
					t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, exp[file].Labels)
				}
			})
		}
	}
}
