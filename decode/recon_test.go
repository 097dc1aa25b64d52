package decode

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/internal/modarith"
)

// reconstructor is what codes' PrimeResidue and ReedSolomon offer.
type reconstructor interface {
	codes.Mapping
	Reconstruct(sites, symbols []int) (int, error)
}

// TestReconstructMatchesCodes checks the reconstruction prepared from
// codes.Reconstruction for every key set, in 64-bit arithmetic, against
// the codes package's Reconstruct:
// same label for codewords and for random symbols, and "no label" exactly
// when Reconstruct reports ErrLabelRange.
func TestReconstructMatchesCodes(t *testing.T) {
	ms := testMappings(t)
	// Two primes just below K: a CRT coefficient (below their product,
	// near 2^62) times a symbol (near 2^31) overflows 64 bits, so the
	// reconstruction takes the 128-bit path.
	p1 := codes.MaxClasses - 1
	for !codes.IsPrime(p1) {
		p1--
	}
	p2 := p1 - 1
	for !codes.IsPrime(p2) {
		p2--
	}
	big, err := codes.NewPrimeResidue(codes.MaxClasses, []int{p1, p2, 5})
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
		if !d.Structured() {
			continue
		}
		// The threshold algorithm's key sets, else the shortest prefix
		// of the sites that determines the label.
		keys := [][]int{{0}}
		for !d.l.lin.Determines(keys[0]) {
			keys[0] = append(keys[0], len(keys[0]))
		}
		recons := make([]recon, 1)
		if d.ta != nil {
			keys, recons = d.ta.keys, d.ta.recons
		} else if !d.l.prepare(keys[0], &recons[0]) {
			t.Fatalf("%s: no reconstruction from sites %v", name, keys[0])
		}
		// No present rows: candidate only reconstructs (the alphabets here
		// reach 2^31 symbols, too many to allocate score vectors for).
		sc := new(scratch)
		for ki, key := range keys {
			wide = wide || recons[ki].wide
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
				got, _, ok := d.candidate(sc, &recons[ki], vals)
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
		f := modarith.New(p)
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
			if got, want := f.Mod(n), n%p; got != want {
				t.Fatalf("%d mod %d = %d, want %d", n, p, got, want)
			}
		}
	}
}
