package labelmap

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/internal/compat"
)

type compatPredictor interface {
	Predict([]float32) (int, error)
}

// TestCompatFiles loads the ensemble, site, shared-trunk and MLP files
// written by an earlier release and checks that they predict what they did
// then.
func TestCompatFiles(t *testing.T) {
	in, exp, err := compat.Load("v1")
	if err != nil {
		t.Fatal(err)
	}
	dir := compat.Dir("v1")
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
	t.Run("ensemble", func(t *testing.T) {
		e, err := loadEnsemble(filepath.Join(dir, "ensemble.lm"))
		if err != nil {
			t.Fatal(err)
		}
		want := exp["ensemble.lm"]
		check(t, e, want.Labels)
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
		if i, err := e.LoadSite(filepath.Join(dir, "site1.lm")); err != nil || i != 1 {
			t.Fatalf("LoadSite = %d, %v", i, err)
		}
		check(t, e, want.Labels)
	})
	t.Run("multihead", func(t *testing.T) {
		h, err := loadMultiHead(filepath.Join(dir, "multihead.lm"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, h, exp["multihead.lm"].Labels)
	})
	t.Run("onehot", func(t *testing.T) {
		e, err := loadEnsemble(filepath.Join(dir, "onehot.lm"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, e, exp["onehot.lm"].Labels)
		// mlp.bin is the MarshalBinary form of that ensemble's one learner.
		b, err := os.ReadFile(filepath.Join(dir, "mlp.bin"))
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
