package decode

import (
	"context"
	"errors"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/memtest"
)

// TestNilArguments checks that every constructor and function taking a
// mapping, an index or parameters returns an error for nil, untyped or a
// typed nil pointer, instead of panicking on a nil dereference.
func TestNilArguments(t *testing.T) {
	var (
		nilOneHot *codes.OneHot
		nilLinear *hamming.Linear
		nilDense  *mat.Dense
	)
	logp := [][]float64{{0, 0}}
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"Exhaustive(nil)", func() error { _, err := Exhaustive(nil, logp); return err }, ErrParam},
		{"Exhaustive(typed nil)", func() error { _, err := Exhaustive(nilOneHot, logp); return err }, ErrParam},
		{"ExhaustiveTopK(nil)", func() error { _, err := ExhaustiveTopK(nil, logp, 3, nil); return err }, ErrParam},
		{"NewMaxProduct(nil)", func() error { _, err := NewMaxProduct(nil); return err }, ErrParam},
		{"NewMaxProduct(typed nil)", func() error { _, err := NewMaxProduct(nilOneHot); return err }, ErrParam},
		{"NewECOC(nil)", func() error { _, err := NewECOC(nil); return err }, ErrParam},
		{"NewECOC(typed nil)", func() error { _, err := NewECOC(nilOneHot); return err }, ErrParam},
		{"NewHammingNN(nil)", func() error { _, err := NewHammingNN(nil, nil, 2, 1); return err }, ErrShape},
		{"NewHammingNN(typed nil)", func() error { _, err := NewHammingNN(nilLinear, nil, 2, 1); return err }, ErrShape},
		{"NewLinear(nil)", func() error { _, err := NewLinear(nil, nil); return err }, ErrShape},
		{"NewLinear(typed nil)", func() error { _, err := NewLinear(nilDense, nil); return err }, ErrShape},
		{"NewTableFromIndex(nil)", func() error {
			_, err := NewTableFromIndex(context.Background(), nil, nil, 2)
			return err
		}, ErrShape},
		{"NewTableFromLinear(nil)", func() error {
			_, err := NewTableFromLinear(context.Background(), nil, nil)
			return err
		}, ErrParam},
		{"NewTableFromLinear(zero value)", func() error {
			_, err := NewTableFromLinear(context.Background(), &Linear{}, nil)
			return err
		}, ErrParam},
	}
	for _, c := range cases {
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s panicked: %v", c.name, p)
				}
			}()
			err = c.call()
		}()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestECOCTooLarge checks that a binary mapping whose packed codes would
// exceed MaxECOCWords is refused before anything is allocated.
func TestECOCTooLarge(t *testing.T) {
	m, err := codes.NewBinary(codes.MaxClasses)
	if err != nil {
		t.Fatal(err)
	}
	d := memtest.Allocated(func() { _, err = NewECOC(m) })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("NewECOC of %d labels: %v, want ErrTooLarge", codes.MaxClasses, err)
	}
	if d > memtest.MaxRefused {
		t.Errorf("refusing NewECOC allocated %d bytes", d)
	}
}
