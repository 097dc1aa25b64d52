package decode_test

import (
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/decode"
)

// wrapped is a mapping type from outside package codes: it forwards every
// method, codes.Linear's included, to a PrimeResidue.
type wrapped struct{ m *codes.PrimeResidue }

func (w wrapped) Classes() int                           { return w.m.Classes() }
func (w wrapped) Sites() int                             { return w.m.Sites() }
func (w wrapped) SiteClasses(i int) int                  { return w.m.SiteClasses(i) }
func (w wrapped) Encode(y int, dst []int) ([]int, error) { return w.m.Encode(y, dst) }
func (w wrapped) Decode(sym []int) (int, error)          { return w.m.Decode(sym) }
func (w wrapped) Generator() codes.Generator             { return w.m.Generator() }
func (w wrapped) Determines(sites []int) bool            { return w.m.Determines(sites) }
func (w wrapped) Reconstruction(s []int, r *codes.Reconstruction) error {
	return w.m.Reconstruction(s, r)
}

// opaque forwards only codes.Mapping: decoded by the scan.
type opaque struct{ m *codes.PrimeResidue }

func (o opaque) Classes() int                           { return o.m.Classes() }
func (o opaque) Sites() int                             { return o.m.Sites() }
func (o opaque) SiteClasses(i int) int                  { return o.m.SiteClasses(i) }
func (o opaque) Encode(y int, dst []int) ([]int, error) { return o.m.Encode(y, dst) }
func (o opaque) Decode(sym []int) (int, error)          { return o.m.Decode(sym) }

func newWrapped(tb testing.TB, classes int) wrapped {
	tb.Helper()
	pr, err := codes.ChoosePrimes(classes, 4, 2)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := codes.NewPrimeResidue(classes, pr)
	if err != nil {
		tb.Fatal(err)
	}
	return wrapped{m}
}

// peakedInput draws log-softmax-like scores with label y's symbols boosted.
func peakedInput(rng *rand.Rand, m codes.Mapping, y int) [][]float64 {
	sym, _ := m.Encode(y, nil)
	logp := make([][]float64, m.Sites())
	for i := range logp {
		v := make([]float64, m.SiteClasses(i))
		for j := range v {
			v[j] = -5 + rng.NormFloat64()
		}
		v[sym[i]] = 0
		logp[i] = v
	}
	return logp
}

// TestExternalLinearMapping checks that a codes.Linear mapping defined
// outside codes takes the structured search and decodes exactly as
// Exhaustive, missing sites and top-k included, while a mapping without
// the interface is still exact through the scan.
func TestExternalLinearMapping(t *testing.T) {
	w := newWrapped(t, 5000)
	d, err := decode.NewMaxProduct(w)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Structured() {
		t.Fatal("wrapped PrimeResidue is not searched")
	}
	o, err := decode.NewMaxProduct(opaque(w))
	if err != nil {
		t.Fatal(err)
	}
	if o.Structured() {
		t.Fatal("a mapping without codes.Linear reports structure")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		logp := peakedInput(rng, w, rng.IntN(w.Classes()))
		if trial%3 == 1 {
			logp[rng.IntN(len(logp))] = nil
		}
		if trial%5 == 2 {
			for _, v := range logp {
				for j := range v {
					v[j] = rng.NormFloat64()
				}
			}
		}
		k := 1 + trial%4
		want, err := decode.ExhaustiveTopK(w, logp, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		want2, err := decode.ExhaustiveTopK(w.m, logp, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, dec := range []*decode.MaxProduct{d, o} {
			got, err := dec.TopK(logp, k, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || len(want) != len(want2) {
				t.Fatalf("trial %d: lengths %d %d %d", trial, len(got), len(want), len(want2))
			}
			for i := range got {
				if got[i] != want[i] || want[i] != want2[i] {
					t.Fatalf("trial %d: MaxProduct %v, Exhaustive %v, Exhaustive on codes' mapping %v", trial, got, want, want2)
				}
			}
		}
	}
}

// BenchmarkExternalLinear decodes peaked inputs of a wrapped PrimeResidue
// (structured search), the same mapping hidden behind codes.Mapping only
// (scan), and codes' own PrimeResidue, at K = 10^5.
func BenchmarkExternalLinear(b *testing.B) {
	w := newWrapped(b, 100_000)
	rng := rand.New(rand.NewPCG(13, 14))
	inputs := make([][][]float64, 32)
	for i := range inputs {
		inputs[i] = peakedInput(rng, w, rng.IntN(w.Classes()))
	}
	for _, c := range []struct {
		name string
		m    codes.Mapping
	}{{"wrapped", w}, {"opaque", opaque(w)}, {"codes", w.m}} {
		d, err := decode.NewMaxProduct(c.m)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := d.Decode(inputs[i%len(inputs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
