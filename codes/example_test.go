package codes_test

import (
	"errors"
	"fmt"

	"github.com/labelcode/labelcode/codes"
)

func ExampleNewPrimeResidue() {
	// The mixed Label Mapping: 20,000 classes as residues modulo 31, 37, 41
	// (31·37·41 = 47,027 >= 20,000), three small heads instead of one big one.
	m, err := codes.NewPrimeResidue(20000, []int{31, 37, 41})
	if err != nil {
		panic(err)
	}
	sym, _ := m.Encode(12345, nil)
	y, _ := m.Decode(sym)
	fmt.Println(sym, y)

	// Two sites are not enough here: 31·37 = 1,147 < 20,000.
	_, err = m.Reconstruct([]int{0, 1}, sym[:2])
	fmt.Println(errors.Is(err, codes.ErrTooFewSites))
	// Output:
	// [7 24 4] 12345
	// true
}

func ExampleChoosePrimes() {
	// Four sites of which any two determine one of a million labels: each
	// prime is at least ceil(sqrt(1,000,000)) = 1,000.
	primes, err := codes.ChoosePrimes(1_000_000, 4, 2)
	if err != nil {
		panic(err)
	}
	m, _ := codes.NewPrimeResidue(1_000_000, primes)
	sym, _ := m.Encode(765432, nil)
	y, _ := m.Reconstruct([]int{3, 1}, []int{sym[3], sym[1]})
	fmt.Println(primes, sym)
	fmt.Println(y, "minimum distance", m.MinDistance())
	// Output:
	// [1009 1013 1019 1021] [610 617 163 703]
	// 765432 minimum distance 3
}

func ExampleNewReedSolomon() {
	// The simplex Label Mapping: 1,000,000 labels as two base-1009 digits
	// (ChooseField: the least prime with p² >= K), evaluated at 5 points.
	p, _ := codes.ChooseField(1_000_000, 2)
	m, err := codes.NewReedSolomon(1_000_000, p, 5)
	if err != nil {
		panic(err)
	}
	// 765432 = 610 + 758·1009: f(x) = 610 + 758x over GF(1009).
	sym, _ := m.Encode(765432, nil)
	fmt.Println(p, m.Digits(), sym, m.MinDistance())
	// Output:
	// 1009 2 [610 359 108 866 615] 4
}

func ExampleReedSolomon_Reconstruct() {
	m, _ := codes.NewReedSolomon(1_000_000, 1009, 5)
	sym, _ := m.Encode(765432, nil)
	// Any k = 2 sites determine the label; a third one is checked.
	y, _ := m.Reconstruct([]int{4, 2}, []int{sym[4], sym[2]})
	fmt.Println(y)
	_, err := m.Reconstruct([]int{4, 2, 0}, []int{sym[4], sym[2], sym[0] + 1})
	fmt.Println(errors.Is(err, codes.ErrNotCodeword))
	// Output:
	// 765432
	// true
}

func ExampleReedSolomon_Correct() {
	// Seven sites, k = 2: up to (7-2)/2 = 2 wrong symbols are corrected,
	// one fewer for every two erasures.
	m, _ := codes.NewReedSolomon(1_000_000, 1009, 7)
	sym, _ := m.Encode(765432, nil)
	sym[1], sym[5] = 0, 0 // two wrong symbols
	y, fixed, err := m.Correct(sym, nil)
	fmt.Println(y, fixed, err)
	sym[3] = 0 // a third is too many
	_, _, err = m.Correct(sym, nil)
	fmt.Println(errors.Is(err, codes.ErrTooManyErrors))
	// Erasing the sites known to be bad leaves a code it can decode.
	y, fixed, err = m.Correct(sym, []int{1, 3, 5})
	fmt.Println(y, fixed, err)
	// Output:
	// 765432 2 <nil>
	// true
	// 765432 0 <nil>
}

func ExampleMarshal() {
	m, _ := codes.NewPrimeResidue(20000, []int{31, 37, 41})
	data, _ := codes.Marshal(m)
	fmt.Println(string(data))
	back, _ := codes.Unmarshal(data)
	fmt.Println(back.(*codes.PrimeResidue).Primes())
	// Output:
	// {"kind":"prime_residue","classes":20000,"primes":[31,37,41]}
	// [31 37 41]
}

func ExampleSiteMutualInformation() {
	// Residues modulo 31 and 37 of a uniform label in [0, 20000) share
	// almost nothing (LM paper, Theorem 4).
	m, _ := codes.NewPrimeResidue(20000, []int{31, 37, 41})
	mi, _ := codes.SiteMutualInformation(m, 0, 1)
	h, _ := codes.SiteMutualInformation(m, 0, 0)
	fmt.Printf("I = %.4f bits, H = %.2f bits\n", mi, h)
	// Output:
	// I = 0.0006 bits, H = 4.95 bits
}

func ExampleLinear() {
	// A decoder that knows only the Linear interface: it encodes with the
	// generator and reconstructs with precomputed coefficients.
	var m codes.Linear
	m, err := codes.NewPrimeResidue(20000, []int{31, 37, 41})
	if err != nil {
		panic(err)
	}
	q := []int{31, 37, 41}
	sym := m.Generator().Symbols(12345, q, nil)

	// Sites 2 and 0: 41·31 = 1,271 < 20,000 does not determine the label.
	fmt.Println(sym, m.Determines([]int{2, 0}))

	// Sites 2, 0, 1 do: label = (Σ_t v_t·c_t) mod M, M = 41·31·37.
	var r codes.Reconstruction
	if err := m.Reconstruction([]int{2, 0, 1}, &r); err != nil {
		panic(err)
	}
	fmt.Println(r.Modulus, r.Digits, r.Coef)
	fmt.Println(r.Value([]int{sym[2], sym[0], sym[1]}))
	// Output:
	// [7 24 4] false
	// 47027 1 [45880 22755 25420]
	// 12345
}
