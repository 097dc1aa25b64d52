package labelmap

import (
	"os"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

type compatPredictor interface {
	Predict([]float32) (int, error)
}

// TestCompatFiles loads the ensemble, site, shared-trunk and MLP files
// written by each earlier release and checks that they predict what they
// did then, and that a container file (v2 on) saves again to its own
// bytes.
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
	check := func(t *testing.T, p compatPredictor, want []int) {
		t.Helper()
		got := make([]int, in.Rows)
		for i := range got {
			if got[i], err = p.Predict(in.Row(i)); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("predictions differ from the release's:\n got %v\nwant %v", got, want)
		}
	}
	resaves := func(t *testing.T, m interface{ MarshalBinary() ([]byte, error) }, name string) {
		t.Helper()
		if !compat.Container(rel) {
			return
		}
		want, err := os.ReadFile(compat.Path(rel, name))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := m.MarshalBinary(); err != nil || !slices.Equal(got, want) {
			t.Errorf("saving the loaded %s does not give the release's bytes (%v)", name, err)
		}
	}
	t.Run("ensemble", func(t *testing.T) {
		e, err := loadEnsemble(compat.Path(rel, "ensemble.lm"))
		if err != nil {
			t.Fatal(err)
		}
		want := exp["ensemble.lm"]
		check(t, e, want.Labels)
		resaves(t, e, "ensemble.lm")
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
		if compat.Container(rel) {
			want, err := os.ReadFile(compat.Path(rel, "site1.lm"))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := e.MarshalSite(1); err != nil || !slices.Equal(got, want) {
				t.Errorf("saving the loaded site does not give the release's bytes (%v)", err)
			}
		}
	})
	t.Run("multihead", func(t *testing.T) {
		h, err := loadMultiHead(compat.Path(rel, "multihead.lm"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, h, exp["multihead.lm"].Labels)
		resaves(t, h, "multihead.lm")
	})
	t.Run("onehot", func(t *testing.T) {
		e, err := loadEnsemble(compat.Path(rel, "onehot.lm"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, e, exp["onehot.lm"].Labels)
		resaves(t, e, "onehot.lm")
		// mlp.bin is the MarshalBinary form of that ensemble's one learner.
		b, err := os.ReadFile(compat.Path(rel, "mlp.bin"))
		if err != nil {
			t.Fatal(err)
		}
		var m MLP
		if err := m.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		a, _ := e.Site(0).(*MLP).MarshalBinary()
		if !slices.Equal(a, b) {
			t.Error("the loaded MLP does not marshal to the release's bytes")
		}
	})
}
