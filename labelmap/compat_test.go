package labelmap

import (
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

// TestCompatFiles loads the ensemble, site, shared-trunk and MLP files
// written by each earlier release and checks that they predict what they
// did then, and that a container file (v2 on) saves again to its own
// bytes.
func TestCompatFiles(t *testing.T) {
	compat.Run(t, func(t *testing.T, rel string, in *compat.Inputs, exp map[string]compat.Expect) {
		check := func(t *testing.T, p interface{ Predict([]float32) (int, error) }, want []int) {
			t.Helper()
			if got := in.Predict(t, p); !slices.Equal(got, want) {
				t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, want)
			}
		}
		t.Run("ensemble", func(t *testing.T) {
			e, err := loadEnsemble(compat.Path(rel, "ensemble.lm"))
			if err != nil {
				t.Fatal(err)
			}
			want := exp["ensemble.lm"]
			check(t, e, want.Labels)
			data, err := e.MarshalBinary()
			compat.Resaved(t, rel, "ensemble.lm", data, err)
			for i := range in.Rows {
				top, err := e.TopK(in.Row(i), 3, nil)
				if err != nil {
					t.Fatal(err)
				}
				var got []int
				for _, s := range top {
					got = append(got, s.Label)
				}
				if !slices.Equal(got, want.Top3[i]) {
					t.Fatalf("row %d: top-3 %v, want %v", i, got, want.Top3[i])
				}
			}
			// The site file holds site 1 of the same ensemble.
			if i, err := e.LoadSite(compat.Path(rel, "site1.lm")); err != nil || i != 1 {
				t.Fatalf("LoadSite = %d, %v", i, err)
			}
			check(t, e, want.Labels)
			data, err = e.MarshalSite(1)
			compat.Resaved(t, rel, "site1.lm", data, err)
		})
		for name, ensemble := range map[string]bool{"multihead.lm": false, "onehot.lm": true} {
			t.Run(name, func(t *testing.T) {
				m, err := Load(compat.Path(rel, name))
				if err != nil {
					t.Fatal(err)
				}
				check(t, m, exp[name].Labels)
				data, err := m.MarshalBinary()
				compat.Resaved(t, rel, name, data, err)
				if e, ok := m.(*Ensemble); ok != ensemble {
					t.Fatalf("%s loads as a %T", name, m)
				} else if ok {
					checkMLPFile(t, rel, e)
				}
			})
		}
	})
}

// checkMLPFile checks mlp.bin, the MarshalBinary form of the one-hot
// ensemble e's one learner.
func checkMLPFile(t *testing.T, rel string, e *Ensemble) {
	t.Helper()
	b := compat.Read(t, rel, "mlp.bin")
	var m MLP
	if err := m.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	a, _ := e.Site(0).(*MLP).MarshalBinary()
	if !slices.Equal(a, b) {
		t.Error("the loaded MLP does not marshal to the release's bytes")
	}
}
