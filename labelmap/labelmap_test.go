package labelmap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/internal/concurrent"
	"github.com/labelcode/labelcode/training"
)

// small returns a quickly trained 3-site ensemble on K=60 classes.
func small(t testing.TB) (*Ensemble, *labelcode.Dataset) {
	t.Helper()
	tr, va, te := prototypes(60, 6, 12, 0.2, 3)
	m, err := codes.NewPrimeResidue(60, []int{7, 11, 13})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(m, WithHidden(32), WithEpochs(12), WithLearningRate(1e-2), WithBatchSize(32), WithSeed(4), WithParallelism(2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Fit(context.Background(), tr, va); err != nil {
		t.Fatal(err)
	}
	return e, te
}

func TestEnsemblePredictions(t *testing.T) {
	e, te := small(t)
	acc, err := e.Accuracy(te)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.8 {
		t.Fatalf("accuracy %.3f < 0.8 on 60 well separated classes", acc)
	}
	batch, err := e.PredictBatch(te.X, te.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var top []decode.Scored
	var logp [][]float64
	for r := 0; r < te.Len(); r++ {
		x := te.Row(r)
		y, err := e.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		if y != batch[r] {
			t.Fatalf("row %d: Predict %d, PredictBatch %d", r, y, batch[r])
		}
		if top, err = e.TopK(x, 5, top); err != nil {
			t.Fatal(err)
		}
		if len(top) != 5 || top[0].Label != y {
			t.Fatalf("row %d: TopK %v, Predict %d", r, top, y)
		}
		// The decoded label is the exhaustive argmax of the summed site scores.
		if logp, err = e.LogScores(x, logp); err != nil {
			t.Fatal(err)
		}
		ref, err := decode.Exhaustive(e.Mapping(), logp)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Label != y {
			t.Fatalf("row %d: exhaustive %v, Predict %d", r, ref, y)
		}
		for _, s := range top {
			ls, err := e.LogScore(x, s.Label)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(ls-s.Score) > 1e-9 {
				t.Fatalf("row %d label %d: LogScore %v, TopK score %v", r, s.Label, ls, s.Score)
			}
		}
		for i, v := range logp {
			var s float64
			for _, l := range v {
				s += math.Exp(l)
			}
			if math.Abs(s-1) > 1e-4 {
				t.Fatalf("site %d probabilities sum to %v", i, s)
			}
		}
	}
}

func TestMissingSiteSkipped(t *testing.T) {
	e, te := small(t)
	full, _ := e.Accuracy(te)
	gone := e.Site(1)
	if err := e.SetSite(1, nil); err != nil {
		t.Fatal(err)
	}
	if e.Fitted() != 2 {
		t.Fatalf("Fitted = %d", e.Fitted())
	}
	acc, err := e.Accuracy(te)
	if err != nil {
		t.Fatal(err)
	}
	// 7·13 = 91 >= 60: the two remaining sites still determine the label.
	t.Logf("accuracy with 3 sites %.3f, without site 1 %.3f", full, acc)
	if acc < 0.5 {
		t.Fatalf("accuracy %.3f without one site", acc)
	}
	x := te.Row(0)
	logp, err := e.LogScores(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if logp[1] != nil {
		t.Fatal("missing site has scores")
	}
	ref, _ := decode.Exhaustive(e.Mapping(), logp)
	if y, _ := e.Predict(x); y != ref.Label {
		t.Fatalf("Predict %d, exhaustive over the present sites %d", y, ref.Label)
	}
	e.SetSite(0, nil)
	e.SetSite(2, nil)
	if _, err := e.Predict(x); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("no site: %v", err)
	}
	if _, err := e.PredictBatch(te.X, te.Len(), nil); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("no site, batch: %v", err)
	}
	_ = gone
}

// fake is a Learner returning fixed scores, without LogProbaBatch.
type fake struct{ out []float64 }

func (f *fake) Fit(context.Context, *labelcode.Dataset, *labelcode.Dataset) (*training.History, error) {
	return nil, nil
}
func (f *fake) LogProba(x []float32, dst []float64) ([]float64, error) {
	return append(dst[:0], f.out...), nil
}

func TestErrors(t *testing.T) {
	m, _ := codes.NewPrimeResidue(6, []int{2, 3})
	e, err := NewEnsemble(m, WithLearner(func(site int) (Learner, error) {
		return &fake{out: make([]float64, m.SiteClasses(site))}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{1, 2}
	if _, err := e.Predict(x); !errors.Is(err, ErrNotFitted) {
		t.Errorf("before Fit: %v", err)
	}
	if _, err := e.TopK(x, 2, nil); !errors.Is(err, ErrNotFitted) {
		t.Errorf("TopK before Fit: %v", err)
	}
	// A label outside the mapping (the dataset allows 8 classes, K = 6).
	bad := &labelcode.Dataset{X: []float32{1, 2, 3, 4}, Y: []int{1, 7}, Features: 2, Classes: 8}
	if _, err := e.Fit(context.Background(), bad, nil); !errors.Is(err, ErrLabelRange) {
		t.Errorf("label 7 of 6: %v", err)
	}
	if _, err := e.FitSite(context.Background(), 1, bad, nil); !errors.Is(err, ErrLabelRange) {
		t.Errorf("FitSite label 7 of 6: %v", err)
	}
	if _, err := e.FitSite(context.Background(), 2, bad, nil); !errors.Is(err, ErrSite) {
		t.Errorf("site 2 of 2: %v", err)
	}
	if err := e.SetSite(-1, &fake{}); !errors.Is(err, ErrSite) {
		t.Errorf("SetSite(-1): %v", err)
	}
	// Wrong number of scores, on both paths.
	e.SetSite(0, &fake{out: []float64{0, 0, 0}})
	e.SetSite(1, &fake{out: []float64{-1, -1, -1}})
	if _, err := e.Predict(x); !errors.Is(err, ErrScoreCount) {
		t.Errorf("3 scores for 2 symbols: %v", err)
	}
	if _, err := e.PredictBatch([]float32{1, 2, 3, 4}, 2, nil); !errors.Is(err, ErrScoreCount) {
		t.Errorf("batch, 3 scores for 2 symbols: %v", err)
	}
	// NaN and +Inf scores.
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		e.SetSite(0, &fake{out: []float64{-1, v}})
		if _, err := e.Predict(x); !errors.Is(err, ErrNaNScore) {
			t.Errorf("score %v: %v", v, err)
		}
		if _, err := e.PredictBatch([]float32{1, 2, 3, 4}, 2, nil); !errors.Is(err, ErrNaNScore) {
			t.Errorf("batch score %v: %v", v, err)
		}
	}
	// -Inf is a legal log-probability of 0.
	e.SetSite(0, &fake{out: []float64{math.Inf(-1), 0}})
	if y, err := e.Predict(x); err != nil || y%2 != 1 {
		t.Errorf("-Inf score: %d %v", y, err)
	}
	if _, err := e.LogScore(x, 6); !errors.Is(err, ErrLabelRange) {
		t.Errorf("LogScore(6): %v", err)
	}
	if _, err := e.PredictBatch([]float32{1, 2, 3}, 2, nil); !errors.Is(err, ErrInput) {
		t.Errorf("ragged batch: %v", err)
	}
	// A factory error and a learner error are reported with the site.
	e2, _ := NewEnsemble(m, WithLearner(func(site int) (Learner, error) { return nil, errors.New("boom") }))
	if _, err := e2.Fit(context.Background(), &labelcode.Dataset{X: []float32{1, 2}, Y: []int{1}, Features: 2, Classes: 6}, nil); err == nil || err.Error() == "" {
		t.Errorf("factory error: %v", err)
	}
	if _, err := NewEnsemble(nil); !errors.Is(err, ErrConfig) {
		t.Errorf("nil mapping: %v", err)
	}
	if _, err := NewEnsemble(m, WithParallelism(0)); !errors.Is(err, ErrConfig) {
		t.Errorf("parallelism 0: %v", err)
	}
	// MLP options and state.
	for name, o := range map[string]Option{
		"hidden": WithHidden(4, 0), "epochs": WithEpochs(0), "batch": WithBatchSize(0),
		"lr": WithLearningRate(0), "lr nan": WithLearningRate(math.NaN()), "lr inf": WithLearningRate(math.Inf(1)), "patience": WithPatience(-1),
	} {
		if _, err := NewMLP(o); !errors.Is(err, ErrConfig) {
			t.Errorf("option %s: %v", name, err)
		}
		if _, err := NewMultiHead(m, o); !errors.Is(err, ErrConfig) {
			t.Errorf("MultiHead option %s: %v", name, err)
		}
	}
	l, _ := NewMLP()
	if _, err := l.LogProba(x, nil); !errors.Is(err, ErrNotFitted) {
		t.Errorf("MLP before Fit: %v", err)
	}
	if _, err := l.MarshalBinary(); !errors.Is(err, ErrNotFitted) {
		t.Errorf("MLP marshal before Fit: %v", err)
	}
	h, _ := NewMultiHead(m)
	if _, err := h.Predict(x); !errors.Is(err, ErrNotFitted) {
		t.Errorf("MultiHead before Fit: %v", err)
	}
	if _, err := h.PredictBatch(x, 1, nil); !errors.Is(err, ErrNotFitted) {
		t.Errorf("MultiHead batch before Fit: %v", err)
	}
	if _, err := h.Fit(context.Background(), bad, nil); !errors.Is(err, ErrLabelRange) {
		t.Errorf("MultiHead label 7 of 6: %v", err)
	}
	// A wrong-width row reaches the learner's ErrInput.
	ens, te := small(t)
	if _, err := ens.Predict(te.Row(0)[:3]); !errors.Is(err, ErrInput) {
		t.Errorf("short row: %v", err)
	}
	if _, err := ens.PredictBatch(te.X[:12], 3, nil); !errors.Is(err, ErrInput) {
		t.Errorf("narrow batch rows: %v", err)
	}
	// Cancelled training.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr, va, _ := prototypes(60, 6, 4, 0.2, 3)
	if _, err := ens.Fit(ctx, tr, va); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fit: %v", err)
	}
	if ens.Fitted() != 3 {
		t.Error("a failed Fit replaced the sites")
	}
}

func TestPredictConcurrentAndAllocs(t *testing.T) {
	e, te := small(t)
	want, err := e.PredictBatch(te.X, te.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	concurrent.Check(t, 4, func(int) error {
		for r := 0; r < te.Len(); r++ {
			if y, err := e.Predict(te.Row(r)); err != nil || y != want[r] {
				return fmt.Errorf("concurrent row %d: %d %v, want %d", r, y, err, want[r])
			}
		}
		return nil
	})
	if raceEnabled {
		return
	}
	x := te.Row(0)
	e.Predict(x)
	if a := testing.AllocsPerRun(50, func() { e.Predict(x) }); a != 0 {
		t.Errorf("Predict: %v allocs", a)
	}
	var dst []float64
	l := e.Site(0)
	dst, _ = l.LogProba(x, dst)
	if a := testing.AllocsPerRun(50, func() { dst, _ = l.LogProba(x, dst) }); a != 0 {
		t.Errorf("MLP.LogProba: %v allocs", a)
	}
}

func TestMultiHead(t *testing.T) {
	tr, va, te := prototypes(60, 6, 12, 0.2, 3)
	m, _ := codes.NewPrimeResidue(60, []int{7, 11, 13})
	var calls, ends int
	h, err := NewMultiHead(m, WithHidden(48), WithEpochs(15), WithLearningRate(1e-2), WithBatchSize(32), WithSeed(2), WithPatience(5),
		WithProgress(func(p training.Progress) {
			if p.Site != 0 {
				t.Errorf("site %d in MultiHead progress", p.Site)
			}
			calls++
			if p.EpochDone {
				ends++
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	hist, err := h.Fit(context.Background(), tr, va)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := h.Accuracy(te)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MultiHead %v: accuracy %.3f after %d epochs", h, acc, len(hist.Epochs))
	if acc < 0.6 {
		t.Fatalf("MultiHead accuracy %.3f < 0.6", acc)
	}
	if ends != len(hist.Epochs) || calls <= ends {
		t.Fatalf("progress: %d calls, %d epoch ends, %d epochs", calls, ends, len(hist.Epochs))
	}
	// The kept weights are the best epoch's: its validation score is the
	// decoded validation accuracy now.
	best := math.Inf(-1)
	for _, ep := range hist.Epochs {
		best = math.Max(best, ep.Score)
	}
	if vacc, _ := h.Accuracy(va); vacc != best {
		t.Fatalf("validation accuracy %v, best epoch score %v", vacc, best)
	}
	if trunk, all := h.TrunkParams(), h.Params(); trunk != 6*48+48 || all-trunk != 48*31+31 || hist.Params != all {
		t.Fatalf("params: trunk %d of %d, history %d", trunk, all, hist.Params)
	}
	// Top-k accuracy: k = 1 is Accuracy, it grows with k, and every label
	// is among all K.
	top1, err := h.TopKAccuracy(te, 1)
	if err != nil || top1 != acc {
		t.Fatalf("top-1 accuracy %v (%v), Accuracy %v", top1, err, acc)
	}
	top5, err := h.TopKAccuracy(te, 5)
	if err != nil || top5 < top1 {
		t.Fatalf("top-5 accuracy %v (%v) below top-1 %v", top5, err, top1)
	}
	if all, err := h.TopKAccuracy(te, 60); err != nil || all != 1 {
		t.Fatalf("top-60 of 60 classes: %v (%v), want 1", all, err)
	}
	if _, err := h.TopKAccuracy(te, 0); !errors.Is(err, ErrConfig) {
		t.Fatalf("k = 0: %v, want ErrConfig", err)
	}
	batch, _ := h.PredictBatch(te.X, te.Len(), nil)
	for r := 0; r < te.Len(); r++ {
		y, err := h.Predict(te.Row(r))
		if err != nil || y != batch[r] {
			t.Fatalf("row %d: %d %v vs batch %d", r, y, err, batch[r])
		}
	}
	// Save and load give the same predictions.
	path := filepath.Join(t.TempDir(), "mh.lm")
	samePredictions(t, h, reloaded(t, h, path), te)
	data, _ := os.ReadFile(path)
	if _, err := unmarshalEnsemble(data, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("multi-head file read as an ensemble: %v", err)
	}
}

func TestSaveLoad(t *testing.T) {
	e, te := small(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ens.lm")
	l := reloaded(t, e, path).(*Ensemble)
	samePredictions(t, e, l, te)
	// No temporary file left behind.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("directory holds %d files after Save", len(ents))
	}
	// A missing site is saved as missing.
	e.SetSite(2, nil)
	data, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	l2, err := unmarshalEnsemble(data, nil)
	if err != nil || l2.Fitted() != 2 || l2.Site(2) != nil {
		t.Fatalf("missing site round trip: %v", err)
	}
	if err := e.SaveSite(filepath.Join(dir, "s2.lm"), 2); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("saving a missing site: %v", err)
	}
	// Corruption: every truncation, and a flipped bit in every byte.
	for cut := 0; cut < len(data); cut += 1 + cut/50 {
		if _, err := unmarshalEnsemble(data[:cut], nil); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated at %d of %d: %v", cut, len(data), err)
		}
	}
	for i := 0; i < len(data); i += 1 + i/40 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x10
		_, err := unmarshalEnsemble(bad, nil)
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
			t.Fatalf("bit flip at %d: %v", i, err)
		}
	}
	// Another version, even with a valid checksum.
	other := append([]byte(nil), data...)
	binary.LittleEndian.PutUint16(other[10:], 2) // the container's version field
	binary.LittleEndian.PutUint32(other[len(other)-4:], crcOf(other[:len(other)-4]))
	if _, err := unmarshalEnsemble(other, nil); !errors.Is(err, ErrVersion) {
		t.Fatalf("version 2: %v", err)
	}
	if _, err := loadEnsemble(filepath.Join(dir, "nope.lm")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	// Site files: the mapping must match.
	if err := e.SaveSite(filepath.Join(dir, "s0.lm"), 0); err != nil {
		t.Fatal(err)
	}
	other5, _ := codes.NewPrimeResidue(60, []int{5, 11, 13})
	o, _ := NewEnsemble(other5)
	if _, err := o.LoadSite(filepath.Join(dir, "s0.lm")); !errors.Is(err, ErrSite) {
		t.Fatalf("site of another mapping: %v", err)
	}
	if _, err := o.LoadSite(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ensemble file as a site: %v", err)
	}
	// A learner that cannot be saved.
	e.SetSite(1, &fake{out: make([]float64, 11)})
	if err := e.Save(filepath.Join(dir, "x.lm")); !errors.Is(err, ErrNotSaveable) {
		t.Fatalf("unsaveable learner: %v", err)
	}
}

func TestInputEncoder(t *testing.T) {
	m, _ := codes.NewPrimeResidue(100, []int{7, 11, 13})
	enc, err := NewInputEncoder(m)
	if err != nil {
		t.Fatal(err)
	}
	if enc.Width() != 31 || enc.Sites() != 3 {
		t.Fatalf("width %d sites %d", enc.Width(), enc.Sites())
	}
	seen := map[string]int{}
	var row []float32
	var idx []int
	dim := 4
	table := make([]float32, enc.Width()*dim)
	for i := range table {
		table[i] = float32(i%13) - 6
	}
	for v := 0; v < 100; v++ {
		if row, err = enc.Encode(v, row); err != nil {
			t.Fatal(err)
		}
		if idx, err = enc.Indices(v, idx); err != nil {
			t.Fatal(err)
		}
		ones := 0
		for j, x := range row {
			if x == 1 {
				ones++
			} else if x != 0 {
				t.Fatalf("value %d: entry %d is %v", v, j, x)
			}
		}
		if ones != 3 || idx[0] != v%7 || idx[1] != 7+v%11 || idx[2] != 18+v%13 {
			t.Fatalf("value %d: %d ones, indices %v", v, ones, idx)
		}
		key := string(float32sKey(row))
		if w, dup := seen[key]; dup {
			t.Fatalf("values %d and %d encode the same", w, v)
		}
		seen[key] = v
		emb, err := enc.Embed(v, table, dim, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < dim; k++ {
			var s float32
			for j, x := range row {
				s += x * table[j*dim+k]
			}
			if s != emb[k] {
				t.Fatalf("value %d: Embed %v, dense product %v", v, emb, s)
			}
		}
	}
	if _, err := enc.Encode(100, nil); !errors.Is(err, ErrLabelRange) {
		t.Fatalf("value 100: %v", err)
	}
	rows, err := enc.EncodeRows([]int{3, 99}, nil)
	if err != nil || len(rows) != 62 || rows[3] != 1 || rows[31+99%7] != 1 {
		t.Fatalf("EncodeRows: %v", err)
	}
	if _, err := enc.EncodeRows([]int{3, -1}, nil); !errors.Is(err, ErrLabelRange) {
		t.Fatalf("EncodeRows(-1): %v", err)
	}
	if raceEnabled {
		return
	}
	if a := testing.AllocsPerRun(50, func() { row, _ = enc.Encode(42, row) }); a != 0 {
		t.Errorf("Encode: %v allocs", a)
	}
	if a := testing.AllocsPerRun(50, func() { idx, _ = enc.Indices(42, idx) }); a != 0 {
		t.Errorf("Indices: %v allocs", a)
	}
}

func float32sKey(v []float32) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func TestRelabel(t *testing.T) {
	m, _ := codes.NewPrimeResidue(30, []int{5, 7})
	sym, err := Relabel(m, []int{0, 29, 12}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sym[0][1] != 4 || sym[1][1] != 1 || sym[0][2] != 2 || sym[1][2] != 5 {
		t.Fatalf("Relabel: %v", sym)
	}
	if _, err := Relabel(m, []int{3, 30}, sym); !errors.Is(err, ErrLabelRange) {
		t.Fatalf("label 30: %v", err)
	}
}
