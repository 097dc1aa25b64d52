package dsnc

import (
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

// TestCompatFiles loads the DSNC model files written by each earlier
// release (with the linear decoder, and with the decoder each file
// recorded) and checks that they predict what they did then, and that a
// container file (v2 on) saves again to its own bytes.
func TestCompatFiles(t *testing.T) {
	compat.Run(t, func(t *testing.T, rel string, in *compat.Inputs, exp map[string]compat.Expect) {
		for _, name := range []string{"dsnc.model", "dsnc-01.model"} {
			t.Run(name, func(t *testing.T) {
				p, err := Load(compat.Path(rel, name), WithDecoder(Decoding{Kind: LinearDecoding}))
				if err != nil {
					t.Fatal(err)
				}
				if p.Config.Symmetric != (name == "dsnc.model") {
					t.Errorf("Symmetric = %v", p.Config.Symmetric)
				}
				if got := in.Predict(t, p); !slices.Equal(got, exp[name].Labels) {
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
					if got := in.Predict(t, p); !slices.Equal(got, exp[file].Labels) {
						t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, exp[file].Labels)
					}
					data, err := p.MarshalBinary()
					compat.Resaved(t, rel, file, data, err)
				})
			}
		}
	})
}
