package labelmap

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/lmcore"
	"github.com/labelcode/labelcode/internal/memtest"
	"github.com/labelcode/labelcode/internal/nn"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

// rows64 returns 64 rows of features values with labels r mod classes.
func rows64(features, classes int) *labelcode.Dataset {
	d := &labelcode.Dataset{X: make([]float32, 64*features), Y: make([]int, 64), Features: features, Classes: classes}
	for r := range d.Y {
		d.Y[r] = r % classes
		d.X[r*features] = float32(r)
	}
	return d
}

func TestFitOneHotMaxClassesTooLarge(t *testing.T) {
	m, err := codes.NewOneHot(codes.MaxClasses)
	if err != nil {
		t.Fatal(err)
	}
	train := rows64(16, codes.MaxClasses)
	t.Run("Ensemble", func(t *testing.T) {
		e, err := NewEnsemble(m, WithEpochs(1))
		if err != nil {
			t.Fatal(err)
		}
		if a := memtest.Allocated(func() { _, err = e.Fit(context.Background(), train, nil) }); a > memtest.MaxRefused {
			t.Errorf("Fit allocated %d bytes", a)
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Fit: %v, want ErrTooLarge", err)
		}
		if _, err := e.FitSite(context.Background(), 0, train, nil); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("FitSite: %v, want ErrTooLarge", err)
		}
		if e.Fitted() != 0 {
			t.Fatal("a site was installed")
		}
	})
	t.Run("MLP", func(t *testing.T) {
		l, _ := NewMLP(WithEpochs(1))
		if a := memtest.Allocated(func() { _, err = l.Fit(context.Background(), train, nil) }); a > memtest.MaxRefused {
			t.Errorf("Fit allocated %d bytes", a)
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Fit: %v, want ErrTooLarge", err)
		}
	})
	t.Run("MultiHead", func(t *testing.T) {
		var h *MultiHead
		if a := memtest.Allocated(func() { h, err = NewMultiHead(m, WithEpochs(1)) }); a > memtest.MaxRefused {
			t.Errorf("NewMultiHead allocated %d bytes", a)
		}
		if !errors.Is(err, ErrTooLarge) || h != nil {
			t.Fatalf("NewMultiHead: %v, want ErrTooLarge", err)
		}
		// Raised far enough, the construction is accepted (nothing is
		// allocated for the network before Fit).
		if _, err := NewMultiHead(m, WithMaxWeights(1<<40)); err != nil {
			t.Fatalf("NewMultiHead with WithMaxWeights(2^40): %v", err)
		}
	})
}

func TestMultiHeadFitMaxWeights(t *testing.T) {
	m, _ := codes.NewPrimeResidue(60, []int{7, 11, 13})
	// WithHidden(8): 2·8 + 9·31 = 295 weights for one input, 201·8 + 279 =
	// 1887 for 200 inputs.
	h, err := NewMultiHead(m, WithHidden(8), WithMaxWeights(1000), WithEpochs(1))
	if err != nil {
		t.Fatalf("295 weights at most 1000: %v", err)
	}
	train := rows64(200, 60)
	if _, err := h.Fit(context.Background(), train, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Fit of 1887 weights: %v, want ErrTooLarge", err)
	}
	if err := h.Init(200); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Init of 1887 weights: %v, want ErrTooLarge", err)
	}
	if _, err := h.Predict(train.Row(0)); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("refused Fit left a network: %v", err)
	}
	if _, err := NewMultiHead(m, WithHidden(8), WithMaxWeights(294)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("295 weights at most 294: %v", err)
	}
	h, _ = NewMultiHead(m, WithHidden(8), WithMaxWeights(1887), WithEpochs(1))
	if _, err := h.Fit(context.Background(), train, nil); err != nil {
		t.Fatalf("Fit of 1887 weights at most 1887: %v", err)
	}
	if got := h.Params(); got != 1887 {
		t.Fatalf("%d weights, want 1887", got)
	}
	if _, err := NewMultiHead(m, WithMaxWeights(0)); !errors.Is(err, ErrConfig) {
		t.Fatalf("WithMaxWeights(0): %v", err)
	}
}

func TestEnsembleMaxWeights(t *testing.T) {
	m, _ := codes.NewPrimeResidue(60, []int{7, 11, 13})
	// WithHidden(8), 16 inputs: 17·8 + 9·q per site, 3·136 + 9·31 = 687 in all.
	train := rows64(16, 60)
	e, _ := NewEnsemble(m, WithHidden(8), WithEpochs(1), WithMaxWeights(686))
	if _, err := e.Fit(context.Background(), train, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("687 weights at most 686: %v", err)
	}
	if e.Fitted() != 0 {
		t.Fatal("a site was installed")
	}
	// Sites 0 and 1 alone: 136·2 + 9·18 = 434.
	if _, err := e.FitSite(context.Background(), 0, train, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FitSite(context.Background(), 1, train, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FitSite(context.Background(), 2, train, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("third site over the total: %v", err)
	}
	// Refitting a present site counts it once.
	if _, err := e.FitSite(context.Background(), 1, train, nil); err != nil {
		t.Fatalf("refit of site 1: %v", err)
	}
	e, _ = NewEnsemble(m, WithHidden(8), WithEpochs(1), WithMaxWeights(687))
	if _, err := e.Fit(context.Background(), train, nil); err != nil || e.Params() != 687 {
		t.Fatalf("687 weights at most 687: %v, %d params", err, e.Params())
	}
	// Each MLP's own limit applies too.
	e, _ = NewEnsemble(m, WithHidden(8), WithEpochs(1), WithMaxWeights(200))
	if _, err := e.Fit(context.Background(), train, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("site of 253 weights at most 200: %v", err)
	}
	if _, err := NewEnsemble(m, WithMaxWeights(0)); !errors.Is(err, ErrConfig) {
		t.Fatalf("WithMaxWeights(0): %v", err)
	}
}

// craftedFiles returns the crafted network inside a model file of each
// kind, with valid checksums, over a one-hot mapping of 64 classes (one
// site whose alphabet matches the head).
func craftedFiles(t testing.TB) (ensemble, site, multihead []byte) {
	t.Helper()
	m, err := codes.NewOneHot(64)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := codes.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	net := nntest.CraftedNet()
	file := func(kind byte) []byte {
		w := lmcore.NewWriter(kind)
		w.Bytes(mb)
		switch kind {
		case lmcore.KindEnsemble: // one site, present, an MLP
			w.U32(1)
			w.U8(1)
			w.Bytes([]byte("mlp"))
		case lmcore.KindSite: // site 0, an MLP
			w.U32(0)
			w.Bytes([]byte("mlp"))
		}
		w.Bytes(net)
		return w.Finish()
	}
	return file(lmcore.KindEnsemble), file(lmcore.KindSite), file(lmcore.KindMultiHead)
}

func TestLoadCraftedWeightCount(t *testing.T) {
	ens, site, mh := craftedFiles(t)
	dir := t.TempDir()
	mhPath := filepath.Join(dir, "mh.lm")
	if err := os.WriteFile(mhPath, mh, 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := codes.NewOneHot(64)
	target, _ := NewEnsemble(m)
	for name, load := range map[string]func() error{
		"MLP.UnmarshalBinary": func() error {
			l, _ := NewMLP()
			return l.UnmarshalBinary(nntest.CraftedNet())
		},
		"UnmarshalEnsemble":  func() error { _, err := unmarshalEnsemble(ens, nil); return err },
		"UnmarshalSite":      func() error { _, err := target.UnmarshalSite(site); return err },
		"UnmarshalMultiHead": func() error { _, err := unmarshalMultiHead(mh, nil); return err },
		"LoadMultiHead":      func() error { _, err := loadMultiHead(mhPath); return err },
	} {
		var err error
		if a := memtest.Allocated(func() { err = load() }); a > memtest.MaxRefused {
			t.Errorf("%s allocated %d bytes", name, a)
		}
		if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrCorrupt and ErrTooLarge", name, err)
		}
	}
	if target.Fitted() != 0 {
		t.Fatal("crafted site installed")
	}
}

// mlpFor returns an (untrained, randomly initialised) MLP learner for rows
// of features values and an alphabet of classes symbols, with one hidden
// unit so that its file is small.
func mlpFor(t testing.TB, features, classes int) *MLP {
	t.Helper()
	net, err := nn.NewNet(nn.Spec{Inputs: features, Hidden: []int{1}, Heads: []int{classes}}, 1, DefaultMaxWeights)
	if err != nil {
		t.Fatal(err)
	}
	return &MLP{cfg: defaultConfig(), net: net}
}

func TestLoadLearnersMustFitMapping(t *testing.T) {
	m, _ := codes.NewPrimeResidue(60, []int{7, 11, 13})
	build := func(sites ...*MLP) *Ensemble {
		e, _ := NewEnsemble(m)
		for i, l := range sites {
			if l != nil {
				e.SetSite(i, l)
			}
		}
		return e
	}
	good := build(mlpFor(t, 4, 7), mlpFor(t, 4, 11), mlpFor(t, 4, 13))
	data, err := good.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unmarshalEnsemble(data, nil); err != nil {
		t.Fatalf("consistent ensemble: %v", err)
	}
	for name, e := range map[string]*Ensemble{
		"alphabet":              build(mlpFor(t, 4, 7), mlpFor(t, 4, 12), mlpFor(t, 4, 13)),
		"width":                 build(mlpFor(t, 4, 7), mlpFor(t, 4, 11), mlpFor(t, 5, 13)),
		"width, missing site 1": build(mlpFor(t, 4, 7), nil, mlpFor(t, 5, 13)),
	} {
		data, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unmarshalEnsemble(data, nil); !errors.Is(err, ErrCorrupt) {
			t.Errorf("ensemble, %s: %v, want ErrCorrupt", name, err)
		}
	}
	// Site files: an alphabet that is not the site's is corrupt; a width
	// other than the ensemble's other sites' does not fit the ensemble.
	bad := build(mlpFor(t, 4, 7), mlpFor(t, 4, 12), mlpFor(t, 5, 13))
	into := build(mlpFor(t, 4, 7))
	s1, _ := bad.MarshalSite(1)
	if _, err := into.UnmarshalSite(s1); !errors.Is(err, ErrCorrupt) {
		t.Errorf("site 1 with 12 classes: %v, want ErrCorrupt", err)
	}
	s2, _ := bad.MarshalSite(2)
	if _, err := into.UnmarshalSite(s2); !errors.Is(err, ErrSite) {
		t.Errorf("site 2 of width 5 into width 4: %v, want ErrSite", err)
	}
	if into.Fitted() != 1 {
		t.Fatal("a bad site was installed")
	}
	// The same site file into an empty ensemble, or over the only site of
	// another width, fits.
	if _, err := build().UnmarshalSite(s2); err != nil {
		t.Errorf("site 2 into an empty ensemble: %v", err)
	}
	s0, _ := build(mlpFor(t, 5, 7)).MarshalSite(0)
	if _, err := into.UnmarshalSite(s0); err != nil {
		t.Errorf("site 0 of width 5 replacing the only site: %v", err)
	}
}
