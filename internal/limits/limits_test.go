package limits

import (
	"errors"
	"math"
	"testing"
)

func TestMul(t *testing.T) {
	cases := []struct {
		a, b, want int
		ok         bool
	}{
		{0, 5, 0, true},
		{3, 7, 21, true},
		{-1, 2, 0, false},
		{2, -1, 0, false},
		{1 << 31, 1 << 31, 1 << 62, true},
		{1 << 32, 1 << 31, 0, false},
		{math.MaxInt, 1, math.MaxInt, true},
		{math.MaxInt, 2, 0, false},
		{1 << 62, 4, 0, false}, // wraps to 0 in plain int arithmetic
	}
	for _, c := range cases {
		got, ok := Mul(c.a, c.b)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Mul(%d, %d) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}

func TestAdd(t *testing.T) {
	if s, ok := Add(math.MaxInt-1, 1); !ok || s != math.MaxInt {
		t.Errorf("Add(MaxInt-1, 1) = %d, %v", s, ok)
	}
	if _, ok := Add(math.MaxInt, 1); ok {
		t.Error("Add(MaxInt, 1) did not report overflow")
	}
	if _, ok := Add(-1, 1); ok {
		t.Error("Add(-1, 1) accepted a negative term")
	}
}

func TestCheckAndProduct(t *testing.T) {
	if err := Check("classes", 10, 10); err != nil {
		t.Error(err)
	}
	for _, n := range []int{-1, 11} {
		if err := Check("classes", n, 10); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Check(%d) = %v, want ErrTooLarge", n, err)
		}
	}
	if p, err := Product("rows×features", 100, 4, 25); err != nil || p != 100 {
		t.Errorf("Product = %d, %v", p, err)
	}
	for _, ns := range [][]int{{4, 26}, {math.MaxInt, 2}, {-3, 1}} {
		if _, err := Product("x", math.MaxInt, ns...); ns[0] == 4 {
			if _, err := Product("x", 100, ns...); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Product(%v) = %v", ns, err)
			}
		} else if !errors.Is(err, ErrTooLarge) {
			t.Errorf("Product(%v) = %v, want ErrTooLarge", ns, err)
		}
	}
}

func TestWeights(t *testing.T) {
	n, err := Weights(DefaultMaxWeights, 1024, 512, 20902)
	if err != nil || n != 1025*512+513*20902 {
		t.Fatalf("Weights = %d, %v", n, err)
	}
	bad := [][]int{
		{1 << 40, 2},           // a width beyond MaxDim
		{1<<31 - 1, 1<<31 - 1}, // fits an int but exceeds the default limit
		{0, 10},                // empty layer
		{1<<28 - 1, 1<<28 - 1, 1<<28 - 1},
	}
	for _, w := range bad {
		if _, err := Weights(DefaultMaxWeights, w...); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Weights(%v) = %v, want ErrTooLarge", w, err)
		}
	}
	if _, err := Weights(math.MaxInt, 1<<31-1, 1<<31-1, 1<<31-1); err != nil {
		t.Errorf("Weights with no limit: %v", err)
	}
}
