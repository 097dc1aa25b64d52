package decode

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
)

// reconstructor is what codes' PrimeResidue and ReedSolomon offer.
type reconstructor interface {
	codes.Mapping
	Reconstruct(sites, symbols []int) (int, error)
}

// TestReconstructMatchesCodes checks the CRT and Lagrange reconstruction
// precomputed for every key set against the codes package's Reconstruct:
// same label for codewords and for random symbols, and "no label" exactly
// when Reconstruct reports ErrLabelRange.
func TestReconstructMatchesCodes(t *testing.T) {
	ms := testMappings(t)
	// A prime just below K with a small one: their product times the
	// large prime overflows 64 bits, so the CRT takes the 128-bit path.
	p1 := codes.MaxClasses - 1
	for !codes.IsPrime(p1) {
		p1--
	}
	big, err := codes.NewPrimeResidue(codes.MaxClasses, []int{p1, 5})
	if err != nil {
		t.Fatal(err)
	}
	ms["prime/K=max/wide"] = big
	pr, err := codes.ChoosePrimes(codes.MaxClasses, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if ms["prime/K=max/n=3"], err = codes.NewPrimeResidue(codes.MaxClasses, pr); err != nil {
		t.Fatal(err)
	}
	if ms["rs/K=max/p=46349"], err = codes.NewReedSolomon(codes.MaxClasses, 46349, 4); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	wide := false
	for name, m := range ms {
		rm, ok := m.(reconstructor)
		if !ok {
			continue
		}
		d, err := NewMaxProduct(m)
		if err != nil {
			t.Fatal(err)
		}
		if d.ta == nil {
			continue
		}
		// No present rows: candidate only reconstructs (the alphabets here
		// reach 2^31 symbols, too many to allocate score vectors for).
		sc := new(scratch)
		for ki, key := range d.ta.keys {
			wide = wide || d.ta.recons[ki].wide
			vals := make([]int, len(key))
			for trial := range 200 {
				var y int
				if trial%2 == 0 {
					y = rng.IntN(m.Classes())
					sym, _ := m.Encode(y, nil)
					for j, i := range key {
						vals[j] = sym[i]
					}
				} else {
					for j, i := range key {
						vals[j] = rng.IntN(m.SiteClasses(i))
					}
				}
				want, werr := rm.Reconstruct(key, vals)
				got, _, ok := d.candidate(sc, &d.ta.recons[ki], key, vals)
				switch {
				case werr == nil && (!ok || got != want):
					t.Fatalf("%s key %v vals %v: got %d %v, want %d", name, key, vals, got, ok, want)
				case werr != nil && ok:
					t.Fatalf("%s key %v vals %v: got %d, codes says %v", name, key, vals, got, werr)
				case werr != nil && !errors.Is(werr, codes.ErrLabelRange):
					t.Fatalf("%s key %v: unexpected error %v", name, key, werr)
				case trial%2 == 0 && got != y:
					t.Fatalf("%s key %v: label %d reconstructed as %d", name, key, y, got)
				}
			}
		}
	}
	if !wide {
		t.Error("no key set needed 128-bit reconstruction")
	}
}

func TestFastMod(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, p := range []uint64{1, 2, 3, 5, 1009, 65521, 1<<31 - 1, 1<<32 + 15, 1<<62 + 135, math.MaxUint64} {
		f := newFastMod(p)
		for trial := range 10000 {
			var n uint64
			switch trial % 4 {
			case 0:
				n = rng.Uint64()
			case 1:
				n = rng.Uint64N(p) + uint64(trial)*p
			case 2:
				n = math.MaxUint64 - uint64(trial)
			default:
				n = uint64(trial)
			}
			if got, want := f.mod(n), n%p; got != want {
				t.Fatalf("%d mod %d = %d, want %d", n, p, got, want)
			}
		}
	}
}
