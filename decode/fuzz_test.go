package decode

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
)

// fuzzScore maps a byte to a score: mostly small negative values on a
// coarse grid (many ties), with −Inf, ±0, huge values, NaN and +Inf.
func fuzzScore(b byte) float64 {
	switch b {
	case 255:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 253:
		return math.Inf(-1)
	case 252:
		return math.Copysign(0, -1)
	case 251:
		return -1e305
	case 250:
		return 1e303
	case 249:
		return 5e-324
	}
	return -float64(b%32) / 4
}

var fuzzMappings = sync.OnceValue(func() []codes.Mapping {
	var ms []codes.Mapping
	add := func(m codes.Mapping, err error) {
		if err != nil {
			panic(err)
		}
		ms = append(ms, m)
	}
	add(codes.NewPrimeResidue(100, []int{11, 13}))
	add(codes.NewPrimeResidue(100, []int{11, 13, 17}))
	add(codes.NewPrimeResidue(200, []int{2, 3, 5, 7}))
	add(codes.NewReedSolomon(100, 11, 3))
	add(codes.NewReedSolomon(120, 5, 4))
	add(codes.NewOneHot(30))
	add(codes.NewBinary(50))
	add(codes.NewRandomBinary(40, 8, 1))
	return ms
})

func FuzzMaxProduct(f *testing.F) {
	f.Add(byte(0), byte(1), byte(0), []byte{1, 2, 3})
	f.Add(byte(1), byte(3), byte(2), []byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(byte(3), byte(200), byte(0), []byte{253, 253, 0, 1})
	f.Add(byte(5), byte(1), byte(0), []byte{255})
	f.Add(byte(6), byte(2), byte(0xff), []byte{254})
	f.Add(byte(4), byte(7), byte(5), []byte{251, 250, 249, 252})
	f.Fuzz(func(t *testing.T, which, k, nilMask byte, data []byte) {
		ms := fuzzMappings()
		m := ms[int(which)%len(ms)]
		d, err := NewMaxProduct(m)
		if err != nil {
			t.Fatal(err)
		}
		logp := make([][]float64, m.Sites())
		pos := 0
		for i := range logp {
			if i < 8 && nilMask&(1<<i) != 0 {
				continue
			}
			v := make([]float64, m.SiteClasses(i))
			for j := range v {
				if len(data) > 0 {
					v[j] = fuzzScore(data[pos%len(data)])
					pos++
				}
			}
			logp[i] = v
		}
		got, gerr := d.TopK(logp, int(k%8), nil)
		want, werr := ExhaustiveTopK(m, logp, int(k%8), nil)
		if (gerr == nil) != (werr == nil) || (gerr != nil && !errors.Is(gerr, ErrScore) && !errors.Is(gerr, ErrNoSites)) {
			t.Fatalf("errors: %v, exhaustive %v", gerr, werr)
		}
		if gerr == nil && !sameScored(got, want) {
			t.Fatalf("TopK %v, exhaustive %v", got, want)
		}
		if gerr == nil && k%8 > 0 {
			if b := bruteTopK(t, m, logp, int(k%8)); !sameScored(b, want) {
				t.Fatalf("exhaustive %v, brute force %v", want, b)
			}
		}
	})
}

var fuzzBinary = sync.OnceValue(func() (out struct {
	lin    *Linear
	linRef [][]float64 // W as rows, for the reference
	bias   []float64
	nn     *HammingNN
	stored [][]uint64
	labels []int
	tb     *Table
	ecocs  []*ECOC
}) {
	rng := rand.New(rand.NewPCG(41, 42))
	lin, w, bias := randomLinear(nil, rng, 20, 70, true)
	out.lin, out.bias = lin, bias
	for y := range 20 {
		out.linRef = append(out.linRef, slices.Clone(w.RawRowView(y)))
	}
	idx, _ := hamming.NewMultiIndex(70, 0)
	for id := range 300 {
		c := randomCode(rng, 70, 0.5)
		if id%3 > 0 {
			c = slices.Clone(out.stored[rng.IntN(len(out.stored))])
			c[1] ^= 1 << uint(rng.IntN(6))
		}
		idx.Add(c)
		out.stored = append(out.stored, c)
		out.labels = append(out.labels, rng.IntN(6))
	}
	out.nn, _ = NewHammingNN(idx, out.labels, 6, 5)
	ht, _ := hamming.NewTable(10)
	for range 30 {
		ht.Add(randomCode(rng, 10, 0.5))
	}
	l10 := make([]int, 30)
	for i := range l10 {
		l10[i] = i % 4
	}
	out.tb, _ = NewTableFromIndex(context.Background(), ht, l10, 4)
	b, _ := codes.NewBinary(300)
	r, _ := codes.NewRandomBinary(50, 70, 2)
	for _, m := range []codes.Mapping{b, r} {
		e, err := NewECOC(m)
		if err != nil {
			panic(err)
		}
		out.ecocs = append(out.ecocs, e)
	}
	return out
})

// fuzzCode builds a packed code of nbits bits from data; with raw, unused
// high bits are left as data gives them (an invalid code when set).
func fuzzCode(data []byte, nbits int, raw bool) []uint64 {
	code := make([]uint64, hamming.Words(nbits))
	for i, b := range data {
		if i/8 >= len(code) {
			break
		}
		code[i/8] |= uint64(b) << (8 * uint(i%8))
	}
	if !raw && nbits%64 != 0 && len(code) > 0 {
		code[len(code)-1] &= 1<<uint(nbits%64) - 1
	}
	return code
}

func FuzzBinaryDecoders(f *testing.F) {
	f.Add([]byte{}, false, byte(3))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false, byte(1))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true, byte(1))
	f.Add([]byte{1, 2, 4, 8, 16, 32, 64, 128, 3}, false, byte(0))
	f.Fuzz(func(t *testing.T, data []byte, raw bool, k byte) {
		fb := fuzzBinary()
		kk := int(k % 9)
		// Linear: the reference sums bias + W[y][i] over set bits.
		code := fuzzCode(data, 70, raw)
		got, err := fb.lin.TopK(code, kk, nil)
		valid := hamming.Check(70, code) == nil
		if (err == nil) != valid {
			t.Fatalf("Linear error %v for a code valid=%v", err, valid)
		}
		if err == nil {
			all := make([]Scored, 20)
			for y := range all {
				s := fb.bias[y]
				for i := range 70 {
					if bit(code, i) {
						s += fb.linRef[y][i]
					}
				}
				all[y] = Scored{Label: y, Score: s}
			}
			slices.SortStableFunc(all, compareScored)
			if want := all[:min(kk, 20)]; !sameScored(got, want) {
				t.Fatalf("Linear %v, want %v", got, want)
			}
		}
		// HammingNN against a scan.
		if valid {
			v, err := fb.nn.Votes(code, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteVotes(nil, fb.stored, fb.labels, code, 5); !slices.Equal(v, want) {
				t.Fatalf("HammingNN %v, want %v", v, want)
			}
		} else if _, err := fb.nn.Decode(code); !errors.Is(err, ErrCode) {
			t.Fatalf("HammingNN: %v for an invalid code", err)
		}
		// Table: valid codes decode, invalid ones are rejected.
		c10 := fuzzCode(data, 10, raw)
		if _, err := fb.tb.Decode(c10); (err == nil) != (hamming.Check(10, c10) == nil) {
			t.Fatalf("Table: %v", err)
		}
		// ECOC, hard and soft.
		for _, e := range fb.ecocs {
			nb := e.Bits()
			c := fuzzCode(data, nb, raw)
			got, err := e.TopKBits(c, kk, nil)
			if (err == nil) != (hamming.Check(nb, c) == nil) {
				t.Fatalf("ECOC bits: %v", err)
			}
			if err == nil {
				if want := bruteECOC(t, e.m, c, nil, 0, kk); !sameScored(got, want) {
					t.Fatalf("ECOC bits %v, want %v", got, want)
				}
			}
			probs := make([]float64, nb)
			for i := range probs {
				if len(data) > 0 {
					probs[i] = float64(data[i%len(data)]) / 250
				}
			}
			loss := Loss(int(k) % 4)
			got, err = e.TopKSoft(probs, loss, kk, nil)
			bad := slices.ContainsFunc(probs, func(p float64) bool { return p > 1 })
			if (err != nil) != bad {
				t.Fatalf("ECOC soft: %v", err)
			}
			if err == nil {
				if want := bruteECOC(t, e.m, nil, probs, loss, kk); !sameScored(got, want) {
					t.Fatalf("ECOC soft %v, want %v", got, want)
				}
			}
		}
	})
}
