package decode

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// genLinear is a codes.Linear mapping given by an arbitrary generator:
// Encode is Generator.Symbols, the reference form of the rule. It
// determines no set of sites, so only the scans use its structure.
type genLinear struct {
	classes int
	q       []int
	g       codes.Generator
}

func (m *genLinear) Classes() int          { return m.classes }
func (m *genLinear) Sites() int            { return len(m.q) }
func (m *genLinear) SiteClasses(i int) int { return m.q[i] }
func (m *genLinear) Encode(y int, dst []int) ([]int, error) {
	return m.g.Symbols(y, m.q, dst), nil
}
func (m *genLinear) Decode([]int) (int, error)  { return 0, errors.ErrUnsupported }
func (m *genLinear) Generator() codes.Generator { return m.g }
func (m *genLinear) Determines([]int) bool      { return false }
func (m *genLinear) Reconstruction([]int, *codes.Reconstruction) error {
	return codes.ErrTooFewSites
}

// randomGenLinear draws a generator of base b with digits digits for
// classes labels over n sites: each site's alphabet size is in [2, 2b+3]
// and each coefficient is zero with probability zero, otherwise random.
func randomGenLinear(rng *rand.Rand, classes, b, digits, n int, zero float64) *genLinear {
	m := &genLinear{classes: classes, q: make([]int, n), g: codes.Generator{Base: b, Digits: digits, Coef: make([]int, n*digits)}}
	for i := range m.q {
		m.q[i] = 2 + rng.IntN(2*b+2)
		for j := range digits {
			if rng.Float64() >= zero {
				m.g.Coef[i*digits+j] = rng.IntN(m.q[i])
			}
		}
	}
	return m
}

// TestScanTable checks the table scan against the brute force on
// generators of small bases with sites of every kind (low digits only,
// high digits only, both, none) in random order, present or missing, and
// with more tables than maxTableEntries allows (the run scan then).
func TestScanTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, c := range []struct {
		classes, b, digits, n int
		zero                  float64
	}{
		{5000, 2, 13, 6, 0.8}, {5000, 2, 13, 14, 0.9}, {4000, 3, 8, 5, 0.5},
		{700, 5, 5, 4, 0.3}, {1500, 4, 6, 3, 0}, {300, 17, 3, 4, 0.5},
		{9, 3, 2, 3, 0.5}, {5000, 2, 13, 20, 0.5},
	} {
		for trial := range 3 {
			m := randomGenLinear(rng, c.classes, c.b, c.digits, c.n, c.zero)
			l := newLayout(m)
			if l.lin == nil || l.low < 2 {
				t.Fatalf("%+v: not scanned by table (low %d)", c, l.low)
			}
			for kind := range numInputKinds {
				drop := 0.0
				if kind%2 == 1 {
					drop = 0.3
				}
				logp := randomInput(rng, m, rng.IntN(c.classes), kind, drop)
				all := bruteTopK(t, m, logp, 50)
				for _, k := range []int{1, 50} {
					want := all[:min(k, len(all))]
					got, err := ExhaustiveTopK(m, logp, k, nil)
					if err != nil {
						t.Fatal(err)
					}
					if !sameScored(got, want) {
						t.Fatalf("%+v trial %d kind %d k=%d:\n got %v\nwant %v", c, trial, kind, k, got, want)
					}
				}
			}
		}
	}
}

// TestScanTableFallback checks that a scan whose tables would exceed
// maxTableEntries is done by runs, and one within it by table.
func TestScanTableFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	for _, c := range []struct {
		n     int
		table bool
	}{{4, true}, {40, false}} {
		m := randomGenLinear(rng, 5000, 2, 13, c.n, 0)
		l := newLayout(m)
		logp := randomInput(rng, m, 7, inputFlat, 0)
		sc := getScratch()
		sc.present(logp)
		var tk topK
		tk.reset(1, nil)
		if got := l.scanTable(sc, &tk); got != c.table {
			t.Errorf("n=%d: scanTable %v, want %v", c.n, got, c.table)
		}
		putScratch(sc)
		if want := bruteTopK(t, m, logp, 2); !sameScored(mustTopK(t, m, logp, 2), want) {
			t.Errorf("n=%d: Exhaustive differs from brute force", c.n)
		}
	}
}

func mustTopK(t *testing.T, m codes.Mapping, logp [][]float64, k int) []Scored {
	t.Helper()
	got, err := ExhaustiveTopK(m, logp, k, nil)
	if err != nil {
		t.Fatal(fmt.Errorf("ExhaustiveTopK: %w", err))
	}
	return got
}
