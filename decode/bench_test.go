package decode

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// benchInputs draws count score vectors for m, as trained learners give
// them. Every site's logits are N(0,1); then by kind:
//   - "peaked": the true symbol's logit is raised by 6 to 12, so it holds
//     20–99% of the mass at 1000 symbols;
//   - "errors": as peaked, but one site in ten is confidently wrong: the
//     raise goes to a random symbol instead of the true one;
//   - "flat": no raise (the hard case: nothing stands out).
func benchInputs(m codes.Mapping, kind string, count int, seed uint64) [][][]float64 {
	rng := rand.New(rand.NewPCG(seed, 77))
	out := make([][][]float64, count)
	var sym []int
	for c := range out {
		sym, _ = m.Encode(rng.IntN(m.Classes()), sym)
		logp := make([][]float64, m.Sites())
		for i := range logp {
			v := make([]float64, m.SiteClasses(i))
			for j := range v {
				v[j] = rng.NormFloat64()
			}
			if kind != "flat" {
				s := sym[i]
				if kind == "errors" && rng.IntN(10) == 0 {
					s = rng.IntN(len(v))
				}
				v[s] += 6 + 6*rng.Float64()
			}
			logSoftmax(v)
			logp[i] = v
		}
		out[c] = logp
	}
	return out
}

type benchMapping struct {
	name string
	m    codes.Mapping
}

func benchMappings(b *testing.B, classes, sites int) []benchMapping {
	pr, err := codes.ChoosePrimes(classes, sites, 2)
	if err != nil {
		b.Fatal(err)
	}
	m1, err := codes.NewPrimeResidue(classes, pr)
	if err != nil {
		b.Fatal(err)
	}
	p := 2
	for p*p < classes || !codes.IsPrime(p) {
		p++
	}
	m2, err := codes.NewReedSolomon(classes, p, sites)
	if err != nil {
		b.Fatal(err)
	}
	return []benchMapping{{"prime", m1}, {"rs", m2}}
}

func BenchmarkMaxProduct(b *testing.B) {
	for _, classes := range []int{10_000, 1_000_000} {
		for _, sites := range []int{2, 3, 4} {
			for _, bm := range benchMappings(b, classes, sites) {
				for _, input := range []string{"peaked", "errors", "flat"} {
					inputs := benchInputs(bm.m, input, 64, uint64(classes+sites))
					d, err := NewMaxProduct(bm.m)
					if err != nil {
						b.Fatal(err)
					}
					name := fmt.Sprintf("map=%s/K=%.0e/n=%d/input=%s", bm.name, float64(classes), sites, input)
					checked := false
					check := func(b *testing.B) {
						if checked {
							return
						}
						checked = true
						for _, logp := range inputs {
							got, err := d.Decode(logp)
							if err != nil {
								b.Fatal(err)
							}
							want, err := Exhaustive(bm.m, logp)
							if err != nil {
								b.Fatal(err)
							}
							if got != want {
								b.Fatalf("MaxProduct %v, Exhaustive %v", got, want)
							}
						}
					}
					b.Run(name+"/dec=maxproduct", func(b *testing.B) {
						check(b)
						b.ReportAllocs()
						i := 0
						for b.Loop() {
							if _, err := d.Decode(inputs[i%len(inputs)]); err != nil {
								b.Fatal(err)
							}
							i++
						}
					})
					b.Run(name+"/dec=exhaustive", func(b *testing.B) {
						check(b)
						b.ReportAllocs()
						i := 0
						for b.Loop() {
							if _, err := Exhaustive(bm.m, inputs[i%len(inputs)]); err != nil {
								b.Fatal(err)
							}
							i++
						}
					})
				}
			}
		}
	}
}

// BenchmarkNewMaxProduct measures construction, which for codes of at most
// 16 sites plans the threshold algorithm over all subsets of the sites.
func BenchmarkNewMaxProduct(b *testing.B) {
	var cases []benchMapping
	for _, c := range []struct{ classes, sites int }{{1_000_000, 4}, {10_000, 8}, {10_000, 16}} {
		for _, bm := range benchMappings(b, c.classes, c.sites) {
			bm.name = fmt.Sprintf("map=%s/K=%.0e/n=%d", bm.name, float64(c.classes), c.sites)
			cases = append(cases, bm)
		}
	}
	for _, classes := range []int{1 << 16, 1_000_000} {
		m, err := codes.NewBinary(classes)
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, benchMapping{fmt.Sprintf("map=binary/K=%.0e/n=%d", float64(classes), m.Sites()), m})
	}
	for _, bm := range cases {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewMaxProduct(bm.m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExhaustiveBinary scans the binary code of 10^5 labels on flat
// inputs: two labels per run of the lowest digit, the worst case of the
// blocked scan.
func BenchmarkExhaustiveBinary(b *testing.B) {
	m, err := codes.NewBinary(100_000)
	if err != nil {
		b.Fatal(err)
	}
	inputs := benchInputs(m, "flat", 16, 3)
	b.Run(fmt.Sprintf("map=binary/K=1e+05/n=%d/input=flat", m.Sites()), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := Exhaustive(m, inputs[i%len(inputs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
