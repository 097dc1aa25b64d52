package decode

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// bruteTopK is the obviously-right reference: encode every label with the
// mapping's own Encode, sum the present sites in site order, sort.
func bruteTopK(t testing.TB, m codes.Mapping, logp [][]float64, k int) []Scored {
	t.Helper()
	all := make([]Scored, 0, m.Classes())
	var sym []int
	for y := range m.Classes() {
		var err error
		sym, err = m.Encode(y, sym)
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for i, v := range logp {
			if v != nil {
				s += v[sym[i]]
			}
		}
		all = append(all, Scored{Label: y, Score: s})
	}
	slices.SortStableFunc(all, compareScored)
	return all[:min(k, len(all))]
}

// sameScored reports whether a and b are equal, scores bit for bit (up to
// the sign of zero, which == cannot see either).
func sameScored(a, b []Scored) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Label != b[i].Label || !(a[i].Score == b[i].Score || math.IsNaN(a[i].Score) && math.IsNaN(b[i].Score)) {
			return false
		}
	}
	return true
}

// testMappings returns small mappings of every kind.
func testMappings(t testing.TB) map[string]codes.Mapping {
	t.Helper()
	out := map[string]codes.Mapping{}
	add := func(name string, m codes.Mapping, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = m
	}
	for _, c := range []struct{ k, n, kk int }{{1000, 2, 2}, {1000, 3, 2}, {1000, 4, 2}, {997, 3, 3}, {500, 4, 3}, {2, 2, 1}, {37, 3, 2}} {
		pr, err := codes.ChoosePrimes(c.k, c.n, c.kk)
		if err != nil {
			t.Fatal(err)
		}
		m, err := codes.NewPrimeResidue(c.k, pr)
		add(fmt.Sprintf("prime/K=%d/n=%d/k=%d", c.k, c.n, c.kk), m, err)
	}
	{
		// More sites than the threshold algorithm takes: partition.
		pr, err := codes.ChoosePrimes(1000, 18, 2)
		if err != nil {
			t.Fatal(err)
		}
		m, err := codes.NewPrimeResidue(1000, pr)
		add("prime/K=1000/n=18/k=2", m, err)
	}
	{
		m, err := codes.NewPrimeResidue(210, []int{2, 3, 5, 7})
		add("prime/K=210/2357", m, err)
		m, err = codes.NewPrimeResidue(200, []int{7, 2, 5, 3})
		add("prime/K=200/7253", m, err)
	}
	for _, c := range []struct{ k, p, n int }{{1000, 37, 2}, {1000, 37, 3}, {1000, 37, 5}, {1000, 11, 4}, {1000, 11, 7}, {120, 5, 5}, {3, 3, 2}, {1000, 1009, 3}, {1000, 11, 11}, {2000, 13, 13}} {
		m, err := codes.NewReedSolomon(c.k, c.p, c.n)
		add(fmt.Sprintf("rs/K=%d/p=%d/n=%d", c.k, c.p, c.n), m, err)
	}
	for _, k := range []int{2, 3, 100, 1000} {
		m, err := codes.NewOneHot(k)
		add(fmt.Sprintf("onehot/K=%d", k), m, err)
		b, err := codes.NewBinary(k)
		add(fmt.Sprintf("binary/K=%d", k), b, err)
	}
	{
		// Several blocks of the table scan: high digits beyond the
		// block's.
		b, err := codes.NewBinary(5000)
		add("binary/K=5000", b, err)
		m, err := codes.NewReedSolomon(5000, 7, 6)
		add("rs/K=5000/p=7/n=6", m, err)
	}
	{
		m, err := codes.NewRandomBinary(300, 16, 1)
		add("randombinary/K=300/c=16", m, err)
	}
	return out
}

// inputKind names a way of drawing score vectors.
type inputKind int

const (
	inputPeaked   inputKind = iota // log-softmax, true symbol boosted
	inputFlat                      // log-softmax of plain Gaussian logits
	inputTies                      // few distinct values: many exact ties
	inputNegInf                    // peaked with −Inf entries
	inputAllEqual                  // every score the same
	inputMixed                     // large and tiny magnitudes
	inputHuge                      // some |score| >= 2^1000 (no overflow)
	numInputKinds
)

// randomInput draws logp for m around true label y; sites are dropped
// (nil) with probability drop, keeping at least one.
func randomInput(rng *rand.Rand, m codes.Mapping, y int, kind inputKind, drop float64) [][]float64 {
	sym, _ := m.Encode(y, nil)
	logp := make([][]float64, m.Sites())
	for i := range logp {
		q := m.SiteClasses(i)
		v := make([]float64, q)
		switch kind {
		case inputPeaked, inputNegInf:
			for j := range v {
				v[j] = rng.NormFloat64()
			}
			v[sym[i]] += 2 + 4*rng.Float64()
			logSoftmax(v)
			if kind == inputNegInf {
				for j := range v {
					if rng.IntN(4) == 0 {
						v[j] = math.Inf(-1)
					}
				}
			}
		case inputFlat:
			for j := range v {
				v[j] = rng.NormFloat64()
			}
			logSoftmax(v)
		case inputTies:
			for j := range v {
				v[j] = -float64(rng.IntN(3))
			}
		case inputAllEqual:
			for j := range v {
				v[j] = -1.5
			}
		case inputMixed:
			for j := range v {
				v[j] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
			}
		case inputHuge:
			for j := range v {
				v[j] = rng.NormFloat64()
				if rng.IntN(8) == 0 {
					v[j] *= 1e302
				}
			}
		}
		logp[i] = v
	}
	if drop > 0 {
		for i := range logp {
			if rng.Float64() < drop {
				logp[i] = nil
			}
		}
		if slices.IndexFunc(logp, func(v []float64) bool { return v != nil }) < 0 {
			i := rng.IntN(len(logp))
			logp[i] = make([]float64, m.SiteClasses(i))
		}
	}
	return logp
}

// logSoftmax replaces v by its log-softmax.
func logSoftmax(v []float64) {
	mx := slices.Max(v)
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	ls := mx + math.Log(s)
	for j := range v {
		v[j] -= ls
	}
}

func TestMaxProductMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	trials := 12
	if testing.Short() {
		trials = 4
	}
	names := make([]string, 0)
	ms := testMappings(t)
	for name := range ms {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		m := ms[name]
		d, err := NewMaxProduct(m)
		if err != nil {
			t.Fatal(err)
		}
		for kind := range numInputKinds {
			for trial := range trials {
				drop := 0.0
				if trial%3 == 2 {
					drop = 0.3
				}
				logp := randomInput(rng, m, rng.IntN(m.Classes()), kind, drop)
				for _, k := range []int{1, 2, 7, 100} {
					want := bruteTopK(t, m, logp, k)
					got, err := d.TopK(logp, k, nil)
					if err != nil {
						t.Fatalf("%s kind %d: %v", name, kind, err)
					}
					if !sameScored(got, want) {
						t.Fatalf("%s kind %d trial %d k=%d:\n got %v\nwant %v", name, kind, trial, k, got, want)
					}
					ex, err := ExhaustiveTopK(m, logp, k, nil)
					if err != nil {
						t.Fatal(err)
					}
					if !sameScored(ex, want) {
						t.Fatalf("%s kind %d trial %d k=%d: Exhaustive\n got %v\nwant %v", name, kind, trial, k, ex, want)
					}
				}
				one, err := d.Decode(logp)
				if err != nil {
					t.Fatal(err)
				}
				ex, err := Exhaustive(m, logp)
				if err != nil {
					t.Fatal(err)
				}
				if one != ex && !(one.Label == ex.Label && one.Score == ex.Score) {
					t.Fatalf("%s kind %d: Decode %v, Exhaustive %v", name, kind, one, ex)
				}
			}
		}
	}
}

// TestLayoutStructure checks that every codes.Linear mapping of codes is
// used through its structure, that RandomBinary is not, and that the
// layout's generator encodes as Encode does.
func TestLayoutStructure(t *testing.T) {
	want := map[string]bool{"prime": true, "rs": true, "onehot": true, "binary": true, "randombinary": false}
	for name, m := range testMappings(t) {
		prefix := name[:slices.Index([]byte(name), '/')]
		l := newLayout(m)
		if got := l.lin != nil; got != want[prefix] {
			t.Errorf("%s: structured %v, want %v", name, got, want[prefix])
		}
		d, err := NewMaxProduct(m)
		if err != nil {
			t.Fatal(err)
		}
		if d.Structured() != want[prefix] {
			t.Errorf("%s: Structured() = %v", name, d.Structured())
		}
		// Reed–Solomon codes of several digits are scored by Horner's
		// rule at the points.
		if wantPow := prefix == "rs" && l.digits > 1; l.pow != wantPow {
			t.Errorf("%s: pow %v, want %v", name, l.pow, wantPow)
		}
		for i, x := range l.pts {
			if x != uint64(i) {
				t.Errorf("%s: site %d: point %d", name, i, x)
			}
		}
		got := make([]int, l.sites)
		dig := make([]int, max(l.digits, 1))
		for y := range m.Classes() {
			wantSym, _ := m.Encode(y, nil)
			l.encode(y, got, dig)
			if !slices.Equal(got, wantSym) {
				t.Fatalf("%s: label %d: layout %v, Encode %v", name, y, got, wantSym)
			}
		}
	}
}

func TestMaxProductErrors(t *testing.T) {
	m, err := codes.NewPrimeResidue(100, []int{11, 13})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := NewMaxProduct(m)
	ok := func() [][]float64 { return [][]float64{make([]float64, 11), make([]float64, 13)} }
	cases := []struct {
		name string
		logp [][]float64
		want error
	}{
		{"sites", [][]float64{make([]float64, 11)}, ErrSiteCount},
		{"length", [][]float64{make([]float64, 11), make([]float64, 12)}, ErrVectorLength},
		{"empty", [][]float64{make([]float64, 11), {}}, ErrVectorLength},
		{"nil", [][]float64{nil, nil}, ErrNoSites},
		{"nan", func() [][]float64 { l := ok(); l[1][5] = math.NaN(); return l }(), ErrScore},
		{"nan-first", func() [][]float64 { l := ok(); l[0][0] = math.NaN(); return l }(), ErrScore},
		{"+inf", func() [][]float64 { l := ok(); l[0][10] = math.Inf(1); return l }(), ErrScore},
	}
	for _, c := range cases {
		if _, err := d.Decode(c.logp); !errors.Is(err, c.want) {
			t.Errorf("%s: Decode error %v, want %v", c.name, err, c.want)
		}
		if _, err := d.TopK(c.logp, 3, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: TopK error %v, want %v", c.name, err, c.want)
		}
		if _, err := Exhaustive(m, c.logp); !errors.Is(err, c.want) {
			t.Errorf("%s: Exhaustive error %v, want %v", c.name, err, c.want)
		}
	}
	l := ok()
	l[0][3] = math.Inf(-1)
	if _, err := d.Decode(l); err != nil {
		t.Errorf("−Inf rejected: %v", err)
	}
	if _, err := NewMaxProduct(nil); !errors.Is(err, ErrParam) {
		t.Errorf("nil mapping: %v", err)
	}
	if got, err := d.TopK(ok(), 0, nil); err != nil || len(got) != 0 {
		t.Errorf("k=0: %v %v", got, err)
	}
	if got, err := d.TopK(ok(), 1000, nil); err != nil || len(got) != 100 {
		t.Errorf("k>K: %d entries, %v", len(got), err)
	}
}

// decodePath decodes with a fresh scratch and reports the path taken.
func decodePath(t testing.TB, d *MaxProduct, logp [][]float64, k int) ([]Scored, path, int) {
	t.Helper()
	sc := new(scratch)
	res, err := d.topK(sc, logp, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, sc.search.path, sc.search.pops
}

func TestMaxProductPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ms := testMappings(t)
	for _, name := range []string{"prime/K=1000/n=3/k=2", "rs/K=1000/p=37/n=3", "onehot/K=1000", "binary/K=1000", "prime/K=210/2357"} {
		m := ms[name]
		d, _ := NewMaxProduct(m)
		for kind, want := range map[inputKind]path{inputPeaked: pathSearch, inputFlat: pathSearch, inputAllEqual: pathBudget} {
			logp := randomInput(rng, m, 17, kind, 0)
			_, got, pops := decodePath(t, d, logp, 1)
			if name == "prime/K=210/2357" && kind == inputAllEqual {
				// 210 combinations, all labels: the search ends by
				// exhausting them, within budget.
				want = pathSearch
			}
			if got != want {
				t.Errorf("%s input %d: path %d (pops %d), want %d", name, kind, got, pops, want)
			}
			t.Logf("%s input %d: path %d pops %d", name, kind, got, pops)
		}
	}
	d, _ := NewMaxProduct(ms["randombinary/K=300/c=16"])
	if _, got, _ := decodePath(t, d, randomInput(rng, ms["randombinary/K=300/c=16"], 1, inputPeaked, 0), 1); got != pathScan {
		t.Errorf("random binary: path %d, want scan", got)
	}
}

func TestMaxProductModes(t *testing.T) {
	ms := testMappings(t)
	cases := map[string]bool{ // name: uses the threshold algorithm
		"prime/K=1000/n=3/k=2":  true,
		"prime/K=210/2357":      false, // a single key set: part search
		"prime/K=1000/n=4/k=2":  true,
		"rs/K=1000/p=37/n=5":    true,
		"onehot/K=100":          true,
		"rs/K=2000/p=13/n=13":   false, // C(13,3) = 286 key sets
		"prime/K=1000/n=18/k=2": false,
		"binary/K=1000":         false,
	}
	for name, wantTA := range cases {
		d, err := NewMaxProduct(ms[name])
		if err != nil {
			t.Fatal(err)
		}
		if got := d.ta != nil; got != wantTA {
			t.Errorf("%s: threshold algorithm %v, want %v", name, got, wantTA)
		}
	}
}

// TestMaxProductNegInfSearches checks that −Inf scores (probability 0) do
// not keep the search from ending early: with one site sure of its symbol
// (−Inf for all others), a peaked input is decoded without a scan.
func TestMaxProductNegInfSearches(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	ms := testMappings(t)
	for _, name := range []string{"prime/K=1000/n=3/k=2", "rs/K=1000/p=37/n=5"} {
		m := ms[name]
		d, _ := NewMaxProduct(m)
		for range 20 {
			logp := randomInput(rng, m, rng.IntN(m.Classes()), inputPeaked, 0)
			for i, v := range logp {
				top := slices.Max(v)
				for j := range v {
					// Site 0 keeps only its best symbol: its bound
					// term is +Inf after one read.
					if i == 0 && v[j] < top {
						v[j] = math.Inf(-1)
					}
				}
			}
			got, p, _ := decodePath(t, d, logp, 1)
			if p != pathSearch {
				t.Fatalf("%s: path %d, want search", name, p)
			}
			if want := bruteTopK(t, m, logp, 1); !sameScored(got, want) {
				t.Fatalf("%s: %v, want %v", name, got, want)
			}
		}
	}
}
