package dsnc

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

// TestCompatFiles loads the DSNC model files written by each earlier
// release (with the linear decoder, and with the decoder each file
// recorded) and checks that they predict what they did then, and that a
// container file (v2 on) saves again to its own bytes.
func TestCompatFiles(t *testing.T) {
	for _, rel := range compat.Releases() {
		t.Run(rel, func(t *testing.T) { testCompatFiles(t, rel) })
	}
}

func testCompatFiles(t *testing.T, rel string) {
	in, exp, err := compat.Load(rel)
	if err != nil {
		t.Fatal(err)
	}
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
			p, err := Load(compat.Path(rel, name), WithDecoder(Decoding{Kind: LinearDecoding}))
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
				p, err := Load(compat.Path(rel, file))
				if err != nil {
					t.Fatal(err)
				}
				if got := predictAll(t, p); !slices.Equal(got, exp[file].Labels) {
					t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, exp[file].Labels)
				}
				if !compat.Container(rel) {
					return
				}
				// A container file saves again to its own bytes.
				want, err := os.ReadFile(compat.Path(rel, file))
				if err != nil {
					t.Fatal(err)
				}
				if got, err := p.MarshalBinary(); err != nil || !bytes.Equal(got, want) {
					t.Errorf("saving the loaded model does not give the release's bytes (%v)", err)
				}
			})
		}
	}
}
