package labelmap

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/lmcore"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

// The fuzz targets take the body of a model file (what lies between the
// header and the checksum) and wrap it in a valid header and CRC-32C, so
// that every input reaches the parsers behind the checksum.

// maxFuzzBody bounds a fuzzed body: the loaders' cost is linear in it.
const maxFuzzBody = 1 << 16

// wrapBody returns a model file of the given kind around body, with a
// valid checksum.
func wrapBody(kind byte, body []byte) []byte {
	w := lmcore.NewWriter(kind)
	w.Raw(body)
	return w.Finish()
}

// bodyOf returns the body of a model file.
func bodyOf(file []byte) []byte { return file[container.HeaderLen : len(file)-4] }

// fuzzMapping is the mapping of the seeds: two sites of 2 and 3 symbols.
func fuzzMapping(t testing.TB) codes.Mapping {
	t.Helper()
	m, err := codes.NewPrimeResidue(6, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fuzzSeeds returns valid model files of each kind, a few hundred bytes
// each (the fuzzer's minimisation is quadratic in an input's length): an
// ensemble of two MLPs of 2 inputs and one with a missing site, a site
// file, a MultiHead model and an MLP's data.
func fuzzSeeds(t testing.TB) (ensembles [][]byte, site, multihead, mlp []byte) {
	t.Helper()
	m := fuzzMapping(t)
	e, _ := NewEnsemble(m)
	for i := range 2 {
		e.SetSite(i, mlpFor(t, 2, m.SiteClasses(i)))
	}
	full, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if site, err = e.MarshalSite(1); err != nil {
		t.Fatal(err)
	}
	e.SetSite(0, nil)
	partial, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewMultiHead(m, WithHidden(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Init(2); err != nil {
		t.Fatal(err)
	}
	if multihead, err = h.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	if mlp, err = mlpFor(t, 2, 3).MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	return [][]byte{full, partial}, site, multihead, mlp
}

// releaseMapping returns the mapping of the releases' ensemble files, so
// that their site files install into an ensemble of it.
func releaseMapping(t testing.TB) codes.Mapping {
	t.Helper()
	e, err := loadEnsemble(compat.Path("v2", "ensemble.lm"))
	if err != nil {
		t.Fatal(err)
	}
	return e.Mapping()
}

// checkLoadError fails unless err is nil or wraps one of the errors a
// loader documents.
func checkLoadError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []error{ErrCorrupt, ErrVersion, ErrNotSaveable, ErrSite} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("undocumented load error: %v", err)
}

// exercise predicts a row of zeros of the given width with p, which must
// not panic; errors (ErrNotFitted, ErrInput) are fine.
func exercise(p interface {
	Predict([]float32) (int, error)
	PredictBatch([]float32, int, []int) ([]int, error)
}, width int) {
	x := make([]float32, 2*width)
	p.Predict(x[:width])
	p.PredictBatch(x, 2, nil)
}

// width returns the input width of the first site reporting one (1 if
// none does).
func width(e *Ensemble) int {
	for _, l := range e.sites {
		if f, ok := l.(interface{ Features() int }); ok {
			return f.Features()
		}
	}
	return 1
}

func FuzzMLPUnmarshalBinary(f *testing.F) {
	_, _, _, mlp := fuzzSeeds(f)
	f.Add(mlp)
	f.Add(nntest.CraftedNet())
	for _, b := range compat.Containers(f, "mlp.bin") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzBody {
			return
		}
		l, _ := NewMLP()
		err := l.UnmarshalBinary(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		out, err := l.LogProba(make([]float32, l.Features()), nil)
		if err != nil || len(out) != l.Classes() {
			t.Fatalf("loaded MLP: %d scores for %d classes, %v", len(out), l.Classes(), err)
		}
		again, err := l.MarshalBinary()
		if err != nil || string(again) != string(data) {
			t.Fatalf("round trip changed the data: %v", err)
		}
	})
}

// fuzzBodies seeds f with the bodies of files and of the releases' files
// name, and fuzzes load with each input wrapped as a file of kind (inputs
// over maxFuzzBody are skipped).
func fuzzBodies(f *testing.F, kind byte, name string, files [][]byte, load func(t *testing.T, data []byte)) {
	for _, b := range append(files, compat.Containers(f, name)...) {
		f.Add(bodyOf(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) <= maxFuzzBody {
			load(t, wrapBody(kind, body))
		}
	})
}

func FuzzUnmarshalEnsemble(f *testing.F) {
	ens, _, _, _ := fuzzSeeds(f)
	crafted, _, _ := craftedFiles(f)
	fuzzBodies(f, lmcore.KindEnsemble, "ensemble.lm", append(ens, crafted), func(t *testing.T, data []byte) {
		e, err := unmarshalEnsemble(data, nil)
		checkLoadError(t, err)
		if err == nil {
			exercise(e, width(e))
		}
	})
}

func FuzzUnmarshalSite(f *testing.F) {
	_, site, _, _ := fuzzSeeds(f)
	_, crafted, _ := craftedFiles(f)
	m := fuzzMapping(f)
	one, _ := codes.NewOneHot(64)
	rm := releaseMapping(f)
	fuzzBodies(f, lmcore.KindSite, "site1.lm", [][]byte{site, crafted}, func(t *testing.T, data []byte) {
		// Into an empty ensemble of the crafted seed's mapping, into one
		// of the valid seed's mapping next to a present site of width 2,
		// and into an empty one of the releases' mapping.
		for _, mapping := range []codes.Mapping{m, one, rm} {
			e, _ := NewEnsemble(mapping)
			if mapping == m {
				e.SetSite(0, mlpFor(t, 2, 2))
			}
			i, err := e.UnmarshalSite(data)
			checkLoadError(t, err)
			if err != nil {
				if i != -1 {
					t.Fatalf("failed load returned site %d", i)
				}
				continue
			}
			if e.Site(i) == nil {
				t.Fatalf("site %d not installed", i)
			}
			exercise(e, width(e))
		}
	})
}

func FuzzUnmarshalMultiHead(f *testing.F) {
	_, _, mh, _ := fuzzSeeds(f)
	_, _, crafted := craftedFiles(f)
	fuzzBodies(f, lmcore.KindMultiHead, "multihead.lm", [][]byte{mh, crafted}, func(t *testing.T, data []byte) {
		h, err := unmarshalMultiHead(data, nil)
		checkLoadError(t, err)
		if err == nil {
			exercise(h, h.net.Spec.Inputs)
		}
	})
}

// TestFuzzSeedsLoad checks that the valid seeds load, so that the fuzzers
// start from inputs that reach every part of the parsers.
func TestFuzzSeedsLoad(t *testing.T) {
	ens, site, mh, mlp := fuzzSeeds(t)
	for _, e := range ens {
		if _, err := unmarshalEnsemble(wrapBody(lmcore.KindEnsemble, bodyOf(e)), nil); err != nil {
			t.Errorf("ensemble seed: %v", err)
		}
	}
	e, _ := NewEnsemble(fuzzMapping(t))
	if _, err := e.UnmarshalSite(wrapBody(lmcore.KindSite, bodyOf(site))); err != nil {
		t.Errorf("site seed: %v", err)
	}
	if _, err := unmarshalMultiHead(wrapBody(lmcore.KindMultiHead, bodyOf(mh)), nil); err != nil {
		t.Errorf("multi-head seed: %v", err)
	}
	l, _ := NewMLP()
	if err := l.UnmarshalBinary(mlp); err != nil {
		t.Errorf("MLP seed: %v", err)
	}
	// The seeds of the releases load as the targets read them, in the
	// frame the targets write around them.
	for name, kind := range map[string]byte{"ensemble.lm": lmcore.KindEnsemble, "site1.lm": lmcore.KindSite, "multihead.lm": lmcore.KindMultiHead} {
		for _, b := range compat.Containers(t, name) {
			if string(wrapBody(kind, bodyOf(b))) != string(b) {
				t.Errorf("%s: the targets' frame around its body is not the file", name)
			}
		}
	}
	for _, b := range compat.Containers(t, "ensemble.lm") {
		if _, err := unmarshalEnsemble(wrapBody(lmcore.KindEnsemble, bodyOf(b)), nil); err != nil {
			t.Errorf("release ensemble seed: %v", err)
		}
	}
	for _, b := range compat.Containers(t, "site1.lm") {
		e, _ := NewEnsemble(releaseMapping(t))
		if i, err := e.UnmarshalSite(wrapBody(lmcore.KindSite, bodyOf(b))); err != nil || i != 1 {
			t.Errorf("release site seed: %d, %v", i, err)
		}
	}
	for _, b := range compat.Containers(t, "multihead.lm") {
		if _, err := unmarshalMultiHead(wrapBody(lmcore.KindMultiHead, bodyOf(b)), nil); err != nil {
			t.Errorf("release multi-head seed: %v", err)
		}
	}
	for _, b := range compat.Containers(t, "mlp.bin") {
		l, _ := NewMLP()
		if err := l.UnmarshalBinary(b); err != nil {
			t.Errorf("release MLP seed: %v", err)
		}
	}
	// The header the targets write is the one the loaders expect.
	if got := binary.LittleEndian.Uint16(wrapBody(lmcore.KindSite, nil)[container.HeaderLen-10:]); got != lmcore.FileVersion {
		t.Fatalf("version %d", got)
	}
}
