package labelcode_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/labelcode/labelcode"
)

func TestBlobs(t *testing.T) {
	sample := func(seed uint64) (*labelcode.Dataset, *labelcode.Dataset) {
		b, err := labelcode.NewBlobs(5, 3, seed)
		if err != nil {
			t.Fatal(err)
		}
		train, err := b.Sample(4, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		test, err := b.Sample(1, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		return train, test
	}
	train, test := sample(1)
	if train.Len() != 20 || test.Len() != 5 || train.Features != 3 || train.Classes != 5 {
		t.Fatalf("shapes: train %d rows, test %d rows", train.Len(), test.Len())
	}
	for i, y := range train.Y {
		if y != i%5 {
			t.Fatalf("row %d has label %d, want %d", i, y, i%5)
		}
	}
	again, againTest := sample(1)
	if !slices.Equal(train.X, again.X) || !slices.Equal(test.X, againTest.X) {
		t.Error("the same seed gave different rows")
	}
	if other, _ := sample(2); slices.Equal(train.X, other.X) {
		t.Error("another seed gave the same rows")
	}
	// With noise 0.1 every row is nearer its own centre (the mean of its
	// class's rows) than any other class's mean.
	mean := make([]float64, 5*3)
	for i, y := range train.Y {
		for j, v := range train.Row(i) {
			mean[y*3+j] += float64(v) / 4
		}
	}
	for i, y := range test.Y {
		best, bestD := -1, 0.0
		for c := range 5 {
			d := 0.0
			for j, v := range test.Row(i) {
				d += (float64(v) - mean[c*3+j]) * (float64(v) - mean[c*3+j])
			}
			if best < 0 || d < bestD {
				best, bestD = c, d
			}
		}
		if best != y {
			t.Errorf("test row %d (class %d) is nearest class %d's mean", i, y, best)
		}
	}
}

func TestBlobsErrors(t *testing.T) {
	for _, c := range []struct {
		classes, features int
		want              error
	}{{1, 3, labelcode.ErrLabelRange}, {5, 0, labelcode.ErrEmpty}, {1 << 20, 1 << 20, labelcode.ErrTooLarge}} {
		if _, err := labelcode.NewBlobs(c.classes, c.features, 1); !errors.Is(err, c.want) {
			t.Errorf("NewBlobs(%d, %d) = %v, want %v", c.classes, c.features, err, c.want)
		}
	}
	b, err := labelcode.NewBlobs(5, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sample(0, 0.1); !errors.Is(err, labelcode.ErrEmpty) {
		t.Errorf("Sample(0) = %v", err)
	}
	if _, err := b.Sample(1<<30, 0.1); !errors.Is(err, labelcode.ErrTooLarge) {
		t.Errorf("Sample(2^30) = %v", err)
	}
	if _, err := b.Sample(1, -1); !errors.Is(err, labelcode.ErrNonFinite) {
		t.Errorf("Sample with noise -1 = %v", err)
	}
}

// ExampleNewBlobs makes a small three-class dataset for a quick experiment.
func ExampleNewBlobs() {
	b, err := labelcode.NewBlobs(3, 2, 7)
	if err != nil {
		panic(err)
	}
	train, err := b.Sample(10, 0.2)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Len(), "rows of", train.Features, "features,", train.Classes, "classes; labels", train.Y[:4])
	// Output:
	// 30 rows of 2 features, 3 classes; labels [0 1 2 0]
}
