package codes_test

import (
	"fmt"

	"github.com/labelcode/labelcode/codes"
)

func ExampleNewMixed() {
	// The mixed LM of 7,409 words with 4 sites: residues modulo the 4
	// smallest primes >= ceil(√7409) = 87, so any 2 sites determine a word.
	m, err := codes.NewMixed(7409, 4)
	if err != nil {
		panic(err)
	}
	sym, _ := m.Encode(1234, nil)
	y, _ := m.Reconstruct([]int{1, 3}, []int{sym[1], sym[3]})
	fmt.Println(m.Primes(), m.MinDistance())
	fmt.Println(sym, y)
	// Output:
	// [89 97 101 103] 3
	// [77 70 22 101] 1234
}

func ExampleNewSimplex() {
	// The simplex LM of 7,409 words with 4 sites: Reed–Solomon over GF(89),
	// 89 being the smallest prime whose square is at least 7,409. Word
	// y = d0 + 89·d1 holds d0 + d1·i at site i = 0, 1, 2, 3; site 0 is
	// y mod 89, the same as site 0 of NewMixed(7409, n).
	m, err := codes.NewSimplex(7409, 4)
	if err != nil {
		panic(err)
	}
	sym, _ := m.Encode(1234, nil)
	y, _ := m.Reconstruct([]int{2, 3}, []int{sym[2], sym[3]})
	fmt.Println(m.Prime(), m.Digits(), m.Points(), m.MinDistance())
	fmt.Println(sym, y)
	// Output:
	// 89 2 [0 1 2 3] 3
	// [77 1 14 27] 1234
}
