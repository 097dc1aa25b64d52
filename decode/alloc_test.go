package decode

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/concurrent"
)

// decoders returns one call of every decoder's hot path, each with a
// reused dst, and a check that the call still gives its first answer.
func decoderCalls(t *testing.T) map[string]func(bool) any {
	t.Helper()
	rng := rand.New(rand.NewPCG(31, 32))
	calls := map[string]func(bool) any{}
	ms := testMappings(t)
	for _, name := range []string{"prime/K=1000/n=3/k=2", "rs/K=1000/p=37/n=5", "onehot/K=1000", "binary/K=1000", "randombinary/K=300/c=16", "prime/K=1000/n=18/k=2"} {
		m := ms[name]
		d, err := NewMaxProduct(m)
		if err != nil {
			t.Fatal(err)
		}
		inputs := [][][]float64{
			randomInput(rng, m, 3, inputPeaked, 0),
			randomInput(rng, m, 5, inputFlat, 0.2),
			randomInput(rng, m, 7, inputTies, 0),
			randomInput(rng, m, 7, inputAllEqual, 0),
		}
		dst := make([]Scored, 0, 5)
		i := 0
		calls["MaxProduct.TopK/"+name] = func(keep bool) any {
			i++
			var err error
			dst, err = d.TopK(inputs[i%len(inputs)], 5, dst)
			return firstResult(t, keep, dst, err)
		}
		j := 0
		calls["MaxProduct.Decode/"+name] = func(keep bool) any {
			j++
			s, err := d.Decode(inputs[j%len(inputs)])
			return result(t, keep, s, err)
		}
	}
	lin, _, _ := randomLinear(t, rng, 200, 70, false)
	code := randomCode(rng, 70, 0.3)
	ldst := make([]Scored, 0, 3)
	sdst := make([]float64, 0, 200)
	calls["Linear.TopK"] = func(keep bool) any {
		var err error
		ldst, err = lin.TopK(code, 3, ldst)
		return firstResult(t, keep, ldst, err)
	}
	calls["Linear.Scores"] = func(keep bool) any {
		var err error
		sdst, err = lin.Scores(code, sdst)
		return firstResult(t, keep, sdst, err)
	}
	for _, kind := range []string{"linear", "multi", "table"} {
		var idx hamming.Index
		switch kind {
		case "linear":
			idx = hamming.NewLinear(20)
		case "multi":
			idx, _ = hamming.NewMultiIndex(20, 0)
		default:
			idx, _ = hamming.NewTable(20)
		}
		labels := clusteredIndex(t, rng, idx, 2000, 30, 10, 0.1)
		for _, k := range []int{1, 7} {
			nn, err := NewHammingNN(idx, labels, 10, k)
			if err != nil {
				t.Fatal(err)
			}
			q := randomCode(rng, 20, 0.5)
			vdst := make([]Vote, 0, k)
			calls["HammingNN.Decode/"+kind+"/k="+string(rune('0'+k))] = func(keep bool) any {
				v, err := nn.Decode(q)
				return result(t, keep, v, err)
			}
			calls["HammingNN.Votes/"+kind+"/k="+string(rune('0'+k))] = func(keep bool) any {
				var err error
				vdst, err = nn.Votes(q, vdst)
				return firstResult(t, keep, vdst, err)
			}
		}
	}
	ht, _ := hamming.NewTable(12)
	labels := clusteredIndex(t, rng, ht, 100, 10, 4, 0.1)
	tb, err := NewTableFromIndex(context.Background(), ht, labels, 4)
	if err != nil {
		t.Fatal(err)
	}
	calls["Table.Decode"] = func(keep bool) any {
		y, err := tb.Decode([]uint64{0x5a5})
		return result(t, keep, y, err)
	}
	for _, c := range []struct{ k, bits int }{{1000, 0}, {300, 40}} {
		var m codes.Mapping
		if c.bits == 0 {
			m, _ = codes.NewBinary(c.k)
		} else {
			m, _ = codes.NewRandomBinary(c.k, c.bits, 9)
		}
		e, err := NewECOC(m)
		if err != nil {
			t.Fatal(err)
		}
		nb := m.Sites()
		q := randomCode(rng, nb, 0.5)
		p := make([]float64, nb)
		for i := range p {
			p[i] = rng.Float64()
		}
		edst := make([]Scored, 0, 4)
		name := "ECOC/" + string(rune('0'+nb/10)) + string(rune('0'+nb%10))
		calls[name+"/TopKBits"] = func(keep bool) any {
			var err error
			edst, err = e.TopKBits(q, 4, edst)
			return firstResult(t, keep, edst, err)
		}
		calls[name+"/TopKSoft"] = func(keep bool) any {
			var err error
			edst, err = e.TopKSoft(p, LogisticLoss, 4, edst)
			return firstResult(t, keep, edst, err)
		}
		calls[name+"/DecodeSoft"] = func(keep bool) any {
			s, err := e.DecodeSoft(p, ExponentialLoss)
			return result(t, keep, s, err)
		}
		calls[name+"/DecodeBits"] = func(keep bool) any {
			s, err := e.DecodeBits(q)
			return result(t, keep, s, err)
		}
	}
	return calls
}

// result is what a call of decoderCalls returns: nil after an error
// (reported to t) or when the answer is not kept, else v.
func result[T any](t *testing.T, keep bool, v T, err error) any {
	if err != nil {
		t.Error(err)
		return nil
	}
	if !keep {
		return nil
	}
	return v
}

// firstResult is result for the first element of list.
func firstResult[T any](t *testing.T, keep bool, list []T, err error) any {
	if err != nil || !keep {
		return result(t, keep, 0, err)
	}
	return list[0]
}

func TestAllocationFree(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	// A garbage collection empties the sync.Pools that hold the scratch:
	// measure the steady state, without collections.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for name, call := range decoderCalls(t) {
		// Warm the pools and grow the scratch under the same conditions
		// as the measurement: AllocsPerRun runs on one P, and a sync.Pool
		// keeps a private item per P.
		testing.AllocsPerRun(8, func() { call(false) })
		if a := testing.AllocsPerRun(100, func() { call(false) }); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}

// TestConcurrentUse runs every decoder from several goroutines at once and
// checks that each gets the answers of a sequential run (run with -race).
func TestConcurrentUse(t *testing.T) {
	calls := decoderCalls(t)
	want := map[string][]any{}
	for name, call := range calls {
		for range 8 {
			want[name] = append(want[name], call(true))
		}
	}
	// Each goroutine gets its own copy of the call set so that the input
	// counters inside the closures are not shared.
	sets := make([]map[string]func(bool) any, 4)
	for g := range sets {
		sets[g] = decoderCalls(t)
	}
	concurrent.Check(t, len(sets), func(g int) error {
		for name, call := range sets[g] {
			for r := range 8 {
				if got := call(true); got != want[name][r] {
					return fmt.Errorf("%s call %d: %v, want %v", name, r, got, want[name][r])
				}
			}
		}
		return nil
	})
}
