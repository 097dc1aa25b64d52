package codes

import (
	"fmt"
	"testing"
)

func TestMappingStrings(t *testing.T) {
	must := func(m Mapping, err error) Mapping {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, c := range []struct {
		m    Mapping
		want string
	}{
		{must(NewOneHot(10)), "one-hot: 10 classes, 1 site of 10"},
		{must(NewBinary(10)), "binary: 10 classes, 4 sites of 2"},
		{must(NewRandomBinary(10, 8, 1)), "random binary: 10 classes, 8 sites of 2, seed 1"},
		{must(NewPrimeResidue(7409, []int{89, 97, 101})), "prime residue (mixed LM): 7409 classes, 3 sites mod 89 97 101, minimum distance 2"},
		{must(NewReedSolomon(7409, 89, 5)), "Reed–Solomon (simplex LM): 7409 classes, 5 sites of GF(89), 2 digits, minimum distance 4"},
	} {
		s, ok := c.m.(fmt.Stringer)
		if !ok {
			t.Fatalf("%T has no String method", c.m)
		}
		if got := s.String(); got != c.want {
			t.Errorf("%T: got %q, want %q", c.m, got, c.want)
		}
	}
}
