package infer_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

// TestCompatLabelMap loads the Label Mapping files written by each
// earlier release (an ensemble of MLPs, a one-hot ensemble, a shared-trunk
// model) and checks their labels and, where recorded, their top-3 lists.
func TestCompatLabelMap(t *testing.T) { compat.Run(t, testCompatLabelMap) }

func testCompatLabelMap(t *testing.T, rel string, in *compat.Inputs, exp map[string]compat.Expect) {
	for name, kind := range map[string]infer.Kind{"ensemble.lm": infer.Ensemble, "onehot.lm": infer.Ensemble, "multihead.lm": infer.MultiHead} {
		t.Run(name, func(t *testing.T) {
			m, err := infer.Load(compat.Path(rel, name))
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind() != kind {
				t.Errorf("Kind = %v, want %v", m.Kind(), kind)
			}
			checkModel(t, m, in.X, in.Rows, exp[name].Labels)
			var top []decode.Scored
			for i, want := range exp[name].Top3 {
				if top, err = m.TopK(in.Row(i), 3, top); err != nil {
					t.Fatal(err)
				}
				got := []int{top[0].Label, top[1].Label, top[2].Label}
				if !slices.Equal(got, want) {
					t.Fatalf("row %d: top-3 %v, want %v", i, got, want)
				}
			}
		})
	}
	if _, err := infer.Load(compat.Path(rel, "site1.lm")); !errors.Is(err, infer.ErrUnsupported) {
		t.Errorf("a site file: %v, want ErrUnsupported", err)
	}
}

// TestFreshLabelMap trains an ensemble of MLPs and a shared-trunk model
// and checks that, saved, they predict through infer exactly what
// labelmap predicts: labels, batches and top-k with their scores.
func TestFreshLabelMap(t *testing.T) {
	d := clusters(t, 15, 4)
	m, err := codes.NewPrimeResidue(15, []int{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	opts := []labelmap.Option{labelmap.WithHidden(8), labelmap.WithEpochs(3), labelmap.WithBatchSize(32), labelmap.WithSeed(4)}
	e, err := labelmap.NewEnsemble(m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	h, err := labelmap.NewMultiHead(m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		kind  infer.Kind
		model interface {
			Fit(context.Context, *labelcode.Dataset, *labelcode.Dataset) (*training.History, error)
			PredictBatch([]float32, int, []int) ([]int, error)
			TopK([]float32, int, []decode.Scored) ([]decode.Scored, error)
			Save(string) error
		}
	}{{"ensemble", infer.Ensemble, e}, {"multihead", infer.MultiHead, h}} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.model.Fit(context.Background(), d, nil); err != nil {
				t.Fatal(err)
			}
			want, err := c.model.PredictBatch(d.X, d.Len(), nil)
			if err != nil {
				t.Fatal(err)
			}
			im := saveAndLoad(t, c.model, filepath.Join(dir, c.name), c.kind, 15, 12)
			checkModel(t, im, d.X, d.Len(), want)
			for r := 0; r < d.Len(); r += 17 {
				x := d.X[r*12 : (r+1)*12]
				a, err1 := c.model.TopK(x, 4, nil)
				b, err2 := im.TopK(x, 4, nil)
				if err1 != nil || err2 != nil || !slices.Equal(a, b) {
					t.Fatalf("row %d: TopK %v, %v; labelmap %v, %v", r, b, err2, a, err1)
				}
			}
			checkConcurrent(t, im, d.X, d.Len(), want)
			checkAllocs(t, im, d.X[:12])
		})
	}
}

// custom is a learner kind that only its own code can decode.
type custom struct{ q int }

func (c *custom) Fit(context.Context, *labelcode.Dataset, *labelcode.Dataset) (*training.History, error) {
	return nil, nil
}
func (c *custom) LogProba(x []float32, dst []float64) ([]float64, error) {
	dst = append(dst[:0], make([]float64, c.q)...)
	return dst, nil
}
func (c *custom) Kind() string                   { return "custom" }
func (c *custom) MarshalBinary() ([]byte, error) { return []byte{byte(c.q)}, nil }

// TestCustomLearnerUnsupported checks that an ensemble with a learner that
// is not an MLP is refused clearly.
func TestCustomLearnerUnsupported(t *testing.T) {
	m, err := codes.NewPrimeResidue(6, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	e, err := labelmap.NewEnsemble(m, labelmap.WithLearner(func(site int) (labelmap.Learner, error) { return &custom{m.SiteClasses(site)}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := e.SetSite(i, &custom{m.SiteClasses(i)}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := infer.Unmarshal(data); !errors.Is(err, infer.ErrUnsupported) {
		t.Errorf("custom learner: %v, want ErrUnsupported", err)
	}
}
