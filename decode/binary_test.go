package decode

import (
	"context"
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
	"gonum.org/v1/gonum/mat"
)

// randomCode returns a random packed code of nbits bits with about density
// of its bits set.
func randomCode(rng *rand.Rand, nbits int, density float64) []uint64 {
	code := make([]uint64, hamming.Words(nbits))
	for i := range nbits {
		if rng.Float64() < density {
			code[i/64] |= 1 << (uint(i) % 64)
		}
	}
	return code
}

func bit(code []uint64, i int) bool { return code[i/64]>>(uint(i)%64)&1 != 0 }

// randomLinear draws a Linear decoder; t may be nil (then it panics on
// error).
func randomLinear(t testing.TB, rng *rand.Rand, classes, nbits int, ties bool) (*Linear, *mat.Dense, []float64) {
	if t != nil {
		t.Helper()
	}
	w := mat.NewDense(classes, nbits, nil)
	bias := make([]float64, classes)
	for y := range classes {
		for i := range nbits {
			x := rng.NormFloat64()
			if ties {
				x = float64(rng.IntN(3) - 1)
			}
			w.Set(y, i, x)
		}
		bias[y] = rng.NormFloat64()
		if ties {
			bias[y] = 0
		}
	}
	d, err := NewLinear(w, bias)
	if err != nil {
		if t == nil {
			panic(err)
		}
		t.Fatal(err)
	}
	return d, w, bias
}

// bruteLinear scores every class as bias + W[y][i] over the set bits i in
// ascending order, and sorts.
func bruteLinear(w *mat.Dense, bias []float64, code []uint64, k int) []Scored {
	classes, nbits := w.Dims()
	all := make([]Scored, classes)
	for y := range classes {
		s := bias[y]
		for i := range nbits {
			if bit(code, i) {
				s += w.At(y, i)
			}
		}
		all[y] = Scored{Label: y, Score: s}
	}
	slices.SortStableFunc(all, compareScored)
	return all[:min(k, classes)]
}

func TestLinearMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, nbits := range []int{1, 8, 63, 64, 65, 128, 200} {
		for _, classes := range []int{1, 2, 37, 300} {
			for _, ties := range []bool{false, true} {
				d, w, bias := randomLinear(t, rng, classes, nbits, ties)
				for trial := range 20 {
					code := randomCode(rng, nbits, rng.Float64())
					for _, k := range []int{1, 3, 1000} {
						got, err := d.TopK(code, k, nil)
						if err != nil {
							t.Fatal(err)
						}
						if want := bruteLinear(w, bias, code, k); !sameScored(got, want) {
							t.Fatalf("bits %d classes %d trial %d k %d:\n got %v\nwant %v", nbits, classes, trial, k, got, want)
						}
					}
					one, err := d.Decode(code)
					if err != nil {
						t.Fatal(err)
					}
					if want := bruteLinear(w, bias, code, 1)[0]; one != want {
						t.Fatalf("Decode %v, want %v", one, want)
					}
					s, err := d.Scores(code, nil)
					if err != nil {
						t.Fatal(err)
					}
					for y := range classes {
						want := bias[y]
						for i := range nbits {
							if bit(code, i) {
								want += w.At(y, i)
							}
						}
						if s[y] != want {
							t.Fatalf("score %d: %v, want %v", y, s[y], want)
						}
					}
				}
			}
		}
	}
}

func TestLinearErrors(t *testing.T) {
	w := mat.NewDense(3, 5, nil)
	if _, err := NewLinear(w, []float64{1, 2}); !errors.Is(err, ErrShape) {
		t.Errorf("bias length: %v", err)
	}
	if _, err := NewLinear(nil, nil); !errors.Is(err, ErrShape) {
		t.Errorf("nil: %v", err)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e302} {
		w.Set(1, 2, x)
		if _, err := NewLinear(w, nil); !errors.Is(err, ErrScore) {
			t.Errorf("weight %v: %v", x, err)
		}
		w.Set(1, 2, 0)
		if _, err := NewLinear(w, []float64{0, x, 0}); !errors.Is(err, ErrScore) {
			t.Errorf("bias %v: %v", x, err)
		}
	}
	d, err := NewLinear(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range [][]uint64{nil, {0, 0}, {1 << 5}} {
		if _, err := d.Decode(code); !errors.Is(err, ErrCode) {
			t.Errorf("code %v: %v", code, err)
		}
		if _, err := d.Scores(code, nil); !errors.Is(err, ErrCode) {
			t.Errorf("code %v: %v", code, err)
		}
	}
}

// clusteredIndex returns an index of n codes that are noisy copies of
// centres, with the label of each code's centre.
func clusteredIndex(t testing.TB, rng *rand.Rand, idx hamming.Index, n, centres, classes int, noise float64) []int {
	t.Helper()
	nbits := idx.Bits()
	cs := make([][]uint64, centres)
	cl := make([]int, centres)
	for c := range cs {
		cs[c] = randomCode(rng, nbits, 0.5)
		cl[c] = rng.IntN(classes)
	}
	labels := make([]int, n)
	for id := range n {
		c := rng.IntN(centres)
		code := slices.Clone(cs[c])
		for i := range nbits {
			if rng.Float64() < noise {
				code[i/64] ^= 1 << (uint(i) % 64)
			}
		}
		idx.Add(code)
		labels[id] = cl[c]
	}
	return labels
}

// bruteVotes ranks the labels of the k nearest codes by a linear scan.
func bruteVotes(idx hamming.Index, codes [][]uint64, labels []int, query []uint64, k int) []Vote {
	type nb struct{ id, d int }
	all := make([]nb, len(codes))
	for id, c := range codes {
		all[id] = nb{id, hamming.Distance(c, query)}
	}
	slices.SortStableFunc(all, func(a, b nb) int { return a.d - b.d })
	all = all[:min(k, len(all))]
	var votes []Vote
	var first []int
	for pos, n := range all {
		y := labels[n.id]
		j := slices.IndexFunc(votes, func(v Vote) bool { return v.Label == y })
		if j < 0 {
			votes = append(votes, Vote{Label: y, Nearest: n.d})
			first = append(first, pos)
			j = len(votes) - 1
		}
		votes[j].Votes++
		votes[j].DistanceSum += n.d
	}
	order := make([]int, len(votes))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		va, vb := votes[a], votes[b]
		if va.Votes != vb.Votes {
			return vb.Votes - va.Votes
		}
		if va.DistanceSum != vb.DistanceSum {
			return va.DistanceSum - vb.DistanceSum
		}
		return first[a] - first[b]
	})
	out := make([]Vote, len(votes))
	for i, j := range order {
		out[i] = votes[j]
	}
	return out
}

func TestHammingNNMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, nbits := range []int{1, 8, 20, 63, 64, 65, 128} {
		for _, kind := range []string{"linear", "multi", "table"} {
			var idx hamming.Index
			switch kind {
			case "linear":
				idx = hamming.NewLinear(nbits)
			case "multi":
				mi, err := hamming.NewMultiIndex(nbits, 0)
				if err != nil {
					t.Fatal(err)
				}
				idx = mi
			case "table":
				if nbits > 20 {
					continue
				}
				tb, err := hamming.NewTable(nbits)
				if err != nil {
					t.Fatal(err)
				}
				idx = tb
			}
			labels := clusteredIndex(t, rng, idx, 500, 20, 7, 0.1)
			stored := make([][]uint64, idx.Len())
			for id := range stored {
				stored[id] = make([]uint64, hamming.Words(nbits))
				switch x := idx.(type) {
				case *hamming.Linear:
					x.Code(id, stored[id])
				case *hamming.MultiIndex:
					x.Code(id, stored[id])
				case *hamming.Table:
					x.Code(id, stored[id])
				}
			}
			for _, k := range []int{1, 2, 5, 25} {
				d, err := NewHammingNN(idx, labels, 7, k)
				if err != nil {
					t.Fatal(err)
				}
				for trial := range 30 {
					q := randomCode(rng, nbits, 0.5)
					if trial%2 == 0 {
						q = slices.Clone(stored[rng.IntN(len(stored))])
						q[0] ^= 1
						if nbits < 64 {
							q[0] &= 1<<uint(nbits) - 1
						}
					}
					want := bruteVotes(idx, stored, labels, q, k)
					got, err := d.Votes(q, nil)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s bits %d k %d:\n got %v\nwant %v", kind, nbits, k, got, want)
					}
					one, err := d.Decode(q)
					if err != nil {
						t.Fatal(err)
					}
					if one != want[0] {
						t.Fatalf("Decode %v, want %v", one, want[0])
					}
				}
			}
		}
	}
}

func TestHammingNNErrors(t *testing.T) {
	idx := hamming.NewLinear(10)
	if _, err := NewHammingNN(idx, nil, 3, 1); !errors.Is(err, ErrShape) {
		t.Errorf("empty: %v", err)
	}
	idx.Add([]uint64{5})
	idx.Add([]uint64{6})
	for _, c := range []struct {
		labels     []int
		classes, k int
		want       error
	}{
		{[]int{0}, 3, 1, ErrShape},
		{[]int{0, 3}, 3, 1, ErrLabel},
		{[]int{0, -1}, 3, 1, ErrLabel},
		{[]int{0, 1}, 0, 1, ErrParam},
		{[]int{0, 1}, 3, 0, ErrParam},
	} {
		if _, err := NewHammingNN(idx, c.labels, c.classes, c.k); !errors.Is(err, c.want) {
			t.Errorf("%v: %v, want %v", c, err, c.want)
		}
	}
	d, err := NewHammingNN(idx, []int{0, 1}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode([]uint64{1 << 10}); !errors.Is(err, ErrCode) {
		t.Errorf("unused bits: %v", err)
	}
	if _, err := d.Decode(nil); !errors.Is(err, ErrCode) {
		t.Errorf("no words: %v", err)
	}
}

func TestTableFromIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, nbits := range []int{0, 1, 5, 12, 16} {
		ht, err := hamming.NewTable(nbits)
		if err != nil {
			t.Fatal(err)
		}
		n := 40
		if nbits == 0 {
			n = 3
		}
		lin := hamming.NewLinear(nbits)
		labels := make([]int, n)
		for id := range n {
			code := randomCode(rng, nbits, 0.5)
			ht.Add(code)
			lin.Add(code)
			labels[id] = rng.IntN(5)
		}
		tb, err := NewTableFromIndex(context.Background(), ht, labels, 5)
		if err != nil {
			t.Fatal(err)
		}
		nn, err := NewHammingNN(lin, labels, 5, 1)
		if err != nil {
			t.Fatal(err)
		}
		for x := range uint64(1) << nbits {
			code := []uint64{x}
			if nbits == 0 {
				code = nil
			}
			got, err := tb.Decode(code)
			if err != nil {
				t.Fatal(err)
			}
			want, err := nn.Decode(code)
			if err != nil {
				t.Fatal(err)
			}
			if got != want.Label || tb.Lookup(x) != got {
				t.Fatalf("bits %d code %#x: table %d, nearest neighbour %d", nbits, x, got, want.Label)
			}
		}
	}
	ht, _ := hamming.NewTable(4)
	if _, err := NewTableFromIndex(context.Background(), ht, nil, 2); !errors.Is(err, ErrShape) {
		t.Errorf("empty: %v", err)
	}
	ht.Add([]uint64{3})
	if _, err := NewTableFromIndex(context.Background(), ht, []int{2}, 2); !errors.Is(err, ErrLabel) {
		t.Errorf("label: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewTableFromIndex(ctx, ht, []int{1}, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestTableFromLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, nbits := range []int{1, 3, 6, 7, 11} {
		for _, ties := range []bool{false, true} {
			lin, _, _ := randomLinear(t, rng, 13, nbits, ties)
			var calls sync.Map
			tb, err := NewTableFromLinear(context.Background(), lin, func(done, total int) { calls.Store(done, total) })
			if err != nil {
				t.Fatal(err)
			}
			for x := range uint64(1) << nbits {
				want, err := lin.Decode([]uint64{x})
				if err != nil {
					t.Fatal(err)
				}
				if got := tb.Lookup(x); got != want.Label {
					t.Fatalf("bits %d code %#x: table %d, linear %d", nbits, x, got, want.Label)
				}
			}
			jobs := 1 << min(nbits, 6)
			if v, ok := calls.Load(jobs); !ok || v != jobs {
				t.Errorf("bits %d: progress never reported %d/%d", nbits, jobs, jobs)
			}
		}
	}
	lin, _, _ := randomLinear(t, rng, 3, 25, false)
	if _, err := NewTableFromLinear(context.Background(), lin, nil); !errors.Is(err, ErrParam) {
		t.Errorf("25 bits: %v", err)
	}
	lin, _, _ = randomLinear(t, rng, 3, 14, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewTableFromLinear(ctx, lin, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// bruteECOC ranks labels by Hamming distance (hard) or loss (soft).
func bruteECOC(t testing.TB, m codes.Mapping, code []uint64, probs []float64, loss Loss, k int) []Scored {
	t.Helper()
	all := make([]Scored, m.Classes())
	var sym []int
	for y := range m.Classes() {
		var err error
		if sym, err = m.Encode(y, sym); err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for i, b := range sym {
			if probs == nil {
				if bit(code, i) != (b == 1) {
					s--
				}
				continue
			}
			z := -1.0
			if b == 1 {
				z = 1
			}
			s += -loss.eval(z * (2*probs[i] - 1))
		}
		all[y] = Scored{Label: y, Score: s}
	}
	slices.SortStableFunc(all, compareScored)
	return all[:min(k, len(all))]
}

func TestECOCMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	var ms []codes.Mapping
	for _, k := range []int{2, 3, 100, 1000} {
		m, err := codes.NewBinary(k)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	for _, c := range []struct{ k, bits int }{{2, 1}, {50, 8}, {300, 64}, {200, 65}, {100, 130}} {
		m, err := codes.NewRandomBinary(c.k, c.bits, uint64(c.k))
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	for _, m := range ms {
		e, err := NewECOC(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, isBinary := m.(*codes.Binary); isBinary != (e.mp != nil) {
			t.Errorf("%T: max-product search %v", m, e.mp != nil)
		}
		for trial := range 20 {
			code := randomCode(rng, m.Sites(), 0.5)
			for _, k := range []int{1, 4} {
				got, err := e.TopKBits(code, k, nil)
				if err != nil {
					t.Fatal(err)
				}
				if want := bruteECOC(t, m, code, nil, 0, k); !sameScored(got, want) {
					t.Fatalf("%T bits: got %v want %v", m, got, want)
				}
			}
			probs := make([]float64, m.Sites())
			for i := range probs {
				switch trial % 3 {
				case 0:
					probs[i] = rng.Float64()
				case 1:
					probs[i] = float64(rng.IntN(3)) / 2 // ties
				default:
					probs[i] = 0.5 + 0.5*math.Tanh(3*rng.NormFloat64())
				}
			}
			for loss := ExponentialLoss; loss <= LinearLoss; loss++ {
				for _, k := range []int{1, 5} {
					got, err := e.TopKSoft(probs, loss, k, nil)
					if err != nil {
						t.Fatal(err)
					}
					if want := bruteECOC(t, m, nil, probs, loss, k); !sameScored(got, want) {
						t.Fatalf("%T %v k=%d: got %v want %v", m, loss, k, got, want)
					}
				}
				one, err := e.DecodeSoft(probs, loss)
				if err != nil {
					t.Fatal(err)
				}
				if want := bruteECOC(t, m, nil, probs, loss, 1)[0]; one != want {
					t.Fatalf("DecodeSoft %v, want %v", one, want)
				}
			}
		}
	}
}

func TestECOCErrors(t *testing.T) {
	pr, _ := codes.NewPrimeResidue(100, []int{11, 13})
	if _, err := NewECOC(pr); !errors.Is(err, ErrParam) {
		t.Errorf("non-binary: %v", err)
	}
	m, _ := codes.NewRandomBinary(20, 10, 1)
	e, err := NewECOC(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DecodeBits([]uint64{1 << 10}); !errors.Is(err, ErrCode) {
		t.Errorf("code: %v", err)
	}
	p := make([]float64, 10)
	if _, err := e.DecodeSoft(p[:9], LogisticLoss); !errors.Is(err, ErrVectorLength) {
		t.Errorf("length: %v", err)
	}
	for _, x := range []float64{-0.1, 1.5, math.NaN()} {
		p[3] = x
		if _, err := e.DecodeSoft(p, LogisticLoss); !errors.Is(err, ErrScore) {
			t.Errorf("probability %v: %v", x, err)
		}
	}
	p[3] = 0
	if _, err := e.DecodeSoft(p, Loss(9)); !errors.Is(err, ErrParam) {
		t.Errorf("loss: %v", err)
	}
	if Loss(9).String() != "Loss(9)" || HingeLoss.String() != "hinge" {
		t.Error("Loss.String")
	}
}

// TestLinearLossIsL1 checks the claim in LinearLoss's doc: it ranks labels
// as the L1 distance between code and probabilities does.
func TestLinearLossIsL1(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	m, _ := codes.NewRandomBinary(200, 24, 3)
	e, _ := NewECOC(m)
	for range 50 {
		p := make([]float64, 24)
		for i := range p {
			p[i] = float64(rng.IntN(9)) / 8
		}
		got, _ := e.DecodeSoft(p, LinearLoss)
		best, bestY := math.Inf(1), -1
		var sym []int
		for y := range 200 {
			sym, _ = m.Encode(y, sym)
			l1 := 0.0
			for i, b := range sym {
				l1 += math.Abs(float64(b) - p[i])
			}
			if l1 < best {
				best, bestY = l1, y
			}
		}
		if got.Label != bestY {
			t.Fatalf("linear loss %d, L1 %d", got.Label, bestY)
		}
	}
	_ = bits.OnesCount
}
