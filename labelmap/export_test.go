package labelmap

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/labelcode/labelcode"
)

// reloaded saves m to path and loads it back as a model of m's type.
func reloaded(t *testing.T, m Model, path string) Model {
	t.Helper()
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.TypeOf(back) != reflect.TypeOf(m) {
		t.Fatalf("saved a %T, loaded a %T", m, back)
	}
	return back
}

// samePredictions fails t unless got predicts on d's rows what want does.
func samePredictions(t *testing.T, want, got Model, d *labelcode.Dataset) {
	t.Helper()
	w, err := want.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := got.PredictBatch(d.X, d.Len(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g, w) {
		t.Fatalf("predictions differ:\n got %v\nwant %v", g, w)
	}
}

// loadEnsemble and loadMultiHead are Load for a file known to hold that kind.
func loadEnsemble(path string, opts ...Option) (*Ensemble, error) {
	return loadAs[*Ensemble](path, opts)
}

func loadMultiHead(path string, opts ...Option) (*MultiHead, error) {
	return loadAs[*MultiHead](path, opts)
}

func loadAs[T Model](path string, opts []Option) (T, error) {
	m, err := Load(path, opts...)
	t, ok := m.(T)
	if err == nil && !ok {
		err = fmt.Errorf("%s holds a %T", path, m)
	}
	return t, err
}
