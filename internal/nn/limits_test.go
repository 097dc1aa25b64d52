package nn

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/labelcode/labelcode/internal/limits"
	"github.com/labelcode/labelcode/internal/memtest"
	"github.com/labelcode/labelcode/internal/nn/nntest"
)

func TestCraftedWeightCountOverflow(t *testing.T) {
	data := nntest.CraftedNet()
	s := Spec{Inputs: 1<<28 - 1, Hidden: make([]int, 64), Heads: []int{64}}
	for i := range s.Hidden {
		s.Hidden[i] = 1<<28 - 1
	}
	if n, err := s.Weights(math.MaxInt); err != nil || n != 1<<62 {
		t.Fatalf("crafted spec has %d weights (%v), want 2^62", n, err)
	}
	var n Net
	var err error
	if a := memtest.Allocated(func() { err = n.UnmarshalBinary(data) }); a > 1<<20 {
		t.Errorf("decoding allocated %d bytes", a)
	}
	if !errors.Is(err, ErrSpec) || !errors.Is(err, limits.ErrTooLarge) {
		t.Fatalf("crafted network: %v, want ErrSpec and ErrTooLarge", err)
	}
	// With one weight too many or too few for a small network, the same.
	m, err := NewNet(Spec{Inputs: 3, Hidden: []int{2}, Heads: []int{4}}, 1, limits.DefaultMaxWeights)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.MarshalBinary()
	if err := n.UnmarshalBinary(b[:len(b)-4]); !errors.Is(err, ErrSpec) || !errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("one weight short: %v", err)
	}
	if err := n.UnmarshalBinary(append(b, 0, 0, 0, 0)); !errors.Is(err, ErrSpec) || errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("one weight too many: %v", err)
	}
	// A width above MaxDim.
	big := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(big, math.MaxUint32)
	if err := n.UnmarshalBinary(big); !errors.Is(err, ErrSpec) || !errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("inputs 2^32−1: %v", err)
	}
}

func TestSpecWeights(t *testing.T) {
	s := Spec{Inputs: 4, Hidden: []int{3, 2}, Heads: []int{5, 2}}
	n, err := s.Weights(math.MaxInt)
	if want := 5*3 + 4*2 + 3*5 + 3*2; err != nil || n != want {
		t.Fatalf("Weights = %d, %v; want %d", n, err, want)
	}
	if net, err := NewNet(s, 1, limits.DefaultMaxWeights); err != nil || net.Params() != n {
		t.Fatalf("Params %d, Weights %d", net.Params(), n)
	}
	if _, err := s.Weights(n); err != nil {
		t.Errorf("limit equal to the count: %v", err)
	}
	if _, err := s.Weights(n - 1); !errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("limit one below the count: %v", err)
	}
	if _, err := (Spec{Inputs: 0, Heads: []int{2}}).Weights(math.MaxInt); !errors.Is(err, ErrSpec) {
		t.Errorf("zero inputs: %v", err)
	}
	for name, s := range map[string]Spec{
		"inputs above MaxDim": {Inputs: limits.MaxDim + 1, Heads: []int{2}},
		"hidden above MaxDim": {Inputs: 2, Hidden: []int{limits.MaxDim + 1}, Heads: []int{2}},
		"head above MaxDim":   {Inputs: 2, Heads: []int{limits.MaxDim + 1}},
		"overflow":            {Inputs: limits.MaxDim, Hidden: []int{limits.MaxDim, limits.MaxDim, limits.MaxDim}, Heads: []int{limits.MaxDim}},
	} {
		if _, err := s.Weights(math.MaxInt); !errors.Is(err, limits.ErrTooLarge) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNewNetMaxWeights(t *testing.T) {
	// 2^40 weights would be 4 TiB: the limit refuses them before any
	// allocation.
	s := Spec{Inputs: 1 << 20, Heads: []int{1 << 20}}
	var err error
	if a := memtest.Allocated(func() { _, err = NewNet(s, 1, limits.DefaultMaxWeights) }); a > 1<<20 {
		t.Errorf("NewNet allocated %d bytes", a)
	}
	if !errors.Is(err, limits.ErrTooLarge) {
		t.Fatalf("2^40 weights: %v", err)
	}
	small := Spec{Inputs: 10, Heads: []int{10}}
	if _, err := NewNet(small, 1, 109); !errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("110 weights, limit 109: %v", err)
	}
	if _, err := NewNet(small, 1, 110); err != nil {
		t.Errorf("110 weights, limit 110: %v", err)
	}
}
