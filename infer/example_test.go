package infer_test

import (
	"fmt"
	"path/filepath"

	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/internal/compat"
)

// Load recognises a saved model's kind and predicts without the training
// engine; here a DSNC predictor file with the nearest-code decoder.
func ExampleLoad() {
	m, err := infer.Load(filepath.Join(compat.Dir("v1"), "dsnc.model.nearest"))
	if err != nil {
		panic(err)
	}
	in, _, err := compat.Load("v1")
	if err != nil {
		panic(err)
	}
	y, err := m.Predict(in.Row(0))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Kind(), m.Features(), "features", m.Classes(), "classes")
	fmt.Println("row 0 is class", y)
	// Output:
	// dsnc 12 features 40 classes
	// row 0 is class 5
}
