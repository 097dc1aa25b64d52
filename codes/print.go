package codes

import (
	"fmt"
	"strings"
)

// String describes the mapping, e.g. "one-hot: 10 classes, 1 site of 10".
func (m *OneHot) String() string {
	return fmt.Sprintf("one-hot: %d classes, 1 site of %d", m.classes, m.classes)
}

// String describes the mapping, e.g. "binary: 10 classes, 4 sites of 2".
func (m *Binary) String() string {
	return fmt.Sprintf("binary: %d classes, %d sites of 2", m.classes, m.bits)
}

// String describes the mapping, e.g. "random binary: 10 classes, 8 sites
// of 2, seed 1".
func (m *RandomBinary) String() string {
	return fmt.Sprintf("random binary: %d classes, %d sites of 2, seed %d", m.classes, m.bits, m.seed)
}

// String describes the mapping, e.g. "prime residue (mixed LM): 7409
// classes, 3 sites mod 89 97 101, minimum distance 2".
func (m *PrimeResidue) String() string {
	ps := make([]string, len(m.primes))
	for i, p := range m.primes {
		ps[i] = fmt.Sprint(p)
	}
	return fmt.Sprintf("prime residue (mixed LM): %d classes, %d sites mod %s, minimum distance %d",
		m.classes, len(m.primes), strings.Join(ps, " "), m.MinDistance())
}

// String describes the mapping, e.g. "Reed–Solomon (simplex LM): 7409
// classes, 5 sites of GF(89), 2 digits, minimum distance 4".
func (m *ReedSolomon) String() string {
	return fmt.Sprintf("Reed–Solomon (simplex LM): %d classes, %d sites of GF(%d), %d digits, minimum distance %d",
		m.classes, m.n, m.Prime(), m.k, m.MinDistance())
}
