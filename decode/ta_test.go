package decode

import (
	"fmt"
	"math/bits"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// TestTAPlanMatchesDefinition checks the key sets and transversals of the
// threshold algorithm's plan against their definitions over all subsets:
// key sets are the minimal determining sets (alphabets multiplying to K or
// more), transversals the minimal sets meeting every key set.
func TestTAPlanMatchesDefinition(t *testing.T) {
	ms := testMappings(t)
	for _, c := range []struct{ k, p, n int }{{10_000, 101, 16}, {1000, 17, 16}, {60, 11, 9}} {
		m, err := codes.NewReedSolomon(c.k, c.p, c.n)
		if err != nil {
			t.Fatal(err)
		}
		ms[fmt.Sprintf("rs/K=%d/p=%d/n=%d", c.k, c.p, c.n)] = m
	}
	for _, c := range []struct{ k, n int }{{10_000, 16}, {10_000, 8}, {1000, 12}} {
		pr, err := codes.ChoosePrimes(c.k, c.n, 2)
		if err != nil {
			t.Fatal(err)
		}
		m, err := codes.NewPrimeResidue(c.k, pr)
		if err != nil {
			t.Fatal(err)
		}
		ms[fmt.Sprintf("prime/K=%d/n=%d", c.k, c.n)] = m
	}
	for _, k := range []int{1 << 12, 1<<16 - 1} {
		m, err := codes.NewBinary(k)
		if err != nil {
			t.Fatal(err)
		}
		ms[fmt.Sprintf("binary/K=%d", k)] = m
	}
	for name, m := range ms {
		l := newLayout(m)
		if l.lin == nil || l.sites > maxTASites {
			continue
		}
		keys, trans := bruteKeys(l)
		plan := newTAPlan(l)
		want := len(keys) > 0 && len(keys) <= maxFamily && len(trans) <= maxFamily &&
			(len(keys) > 1 || len(keys[0]) == 1)
		if (plan != nil) != want {
			t.Errorf("%s: plan %v, want one: %v (%d keys, %d transversals)", name, plan != nil, want, len(keys), len(trans))
			continue
		}
		if plan == nil {
			continue
		}
		if !slices.EqualFunc(plan.keys, keys, slices.Equal) || !slices.EqualFunc(plan.trans, trans, slices.Equal) {
			t.Errorf("%s: keys %v trans %v, want %v %v", name, plan.keys, plan.trans, keys, trans)
		}
	}
}

// bruteKeys returns the minimal key sets and minimal transversals of l by
// their definitions, in ascending mask order.
func bruteKeys(l *layout) (keys, trans [][]int) {
	n := l.sites
	isKey := func(mask int) bool {
		prod := 1
		var s []int
		for i := range n {
			if mask&(1<<i) != 0 {
				prod = satMul(prod, l.q[i], l.classes)
				s = append(s, i)
			}
		}
		return prod >= l.classes && l.lin.Determines(s)
	}
	minimal := func(mask int, ok func(int) bool) bool {
		for i := range n {
			if mask&(1<<i) != 0 && ok(mask&^(1<<i)) {
				return false
			}
		}
		return true
	}
	var keyMasks, transMasks []int
	for mask := 1; mask < 1<<n; mask++ {
		if isKey(mask) && minimal(mask, isKey) {
			keyMasks = append(keyMasks, mask)
		}
	}
	hits := func(mask int) bool {
		for _, k := range keyMasks {
			if k&mask == 0 {
				return false
			}
		}
		return true
	}
	for mask := 1; mask < 1<<n; mask++ {
		if hits(mask) && minimal(mask, hits) {
			transMasks = append(transMasks, mask)
		}
	}
	sets := func(masks []int) [][]int {
		out := make([][]int, len(masks))
		for j, m := range masks {
			for r := m; r != 0; r &= r - 1 {
				out[j] = append(out[j], bits.TrailingZeros(uint(r)))
			}
		}
		return out
	}
	return sets(keyMasks), sets(transMasks)
}
