package codes

import "fmt"

// Correct decodes a received word with errors and erasures: symbols holds
// one symbol per site, erasures lists the sites whose symbols are unknown
// (their entries in symbols are ignored). With e erasures it corrects up to
// floor((n-e-k)/2) wrong symbols among the other n-e sites, the unique
// decoding radius, and returns the label and the number of sites it
// corrected. It uses Gao's algorithm (interpolation, then a partial
// extended Euclidean algorithm; S. Gao, "A new algorithm for decoding
// Reed–Solomon codes", 2003), equivalent to Berlekamp–Welch.
//
// It panics if len(symbols) != n. It returns ErrSiteRange if an erasure is
// outside [0, n) or repeated, ErrSymbolRange if a symbol at a site that is
// not erased is outside [0, p), and ErrTooManyErrors if more than n-k sites
// are erased or no label's code lies within the radius (the word has more
// errors than can be corrected). It never returns a label whose code
// differs from the received word on more than floor((n-e-k)/2) sites that
// are not erased.
//
// Cost: O((n-e)²) modular multiplications and O(n) memory, allocated per
// call.
func (m *ReedSolomon) Correct(symbols, erasures []int) (label, corrected int, err error) {
	checkLength("ReedSolomon.Correct", len(symbols), m.n)
	erased := make([]bool, m.n)
	for _, s := range erasures {
		if s < 0 || s >= m.n || erased[s] {
			return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: erasure at site %d: %w", s, ErrSiteRange)
		}
		erased[s] = true
	}
	nn := m.n - len(erasures)
	f := m.f
	xs := make([]uint64, 0, nn)
	ys := make([]uint64, 0, nn)
	for i, s := range symbols {
		if erased[i] {
			continue
		}
		if s < 0 || uint64(s) >= f.P {
			return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: symbol %d at site %d outside [0, %d): %w", s, i, f.P, ErrSymbolRange)
		}
		xs = append(xs, uint64(i))
		ys = append(ys, uint64(s))
	}
	if nn < m.k {
		return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: %d of %d sites erased, at most %d: %w",
			len(erasures), m.n, m.n-m.k, ErrTooManyErrors)
	}

	// g0 = Π (x - x_i) over the sites kept, degree nn.
	g0 := make([]uint64, nn+1)
	m.master(xs, g0)
	// g1 interpolates the received symbols: degree < nn.
	g1 := make([]uint64, nn)
	for i, xi := range xs {
		if ys[i] == 0 {
			continue
		}
		w := ys[i]
		for j, xj := range xs {
			if j != i {
				w = f.Mod(w * m.invDiffSigned(xi, xj))
			}
		}
		q := uint64(1)
		g1[nn-1] = f.Mod(g1[nn-1] + w)
		for j := nn - 1; j > 0; j-- {
			q = f.Mod(g0[j] + xi*q)
			g1[j-1] = f.Mod(g1[j-1] + w*q)
		}
	}
	g1 = trim(g1)

	// Partial extended Euclid on (g0, g1), tracking only the cofactor v of
	// g1, until the remainder has degree < (nn+k)/2.
	r0, r1 := g0, g1
	v0, v1 := make([]uint64, 0, nn+1), append(make([]uint64, 0, nn+1), 1)
	quo := make([]uint64, nn+1)
	tmp := make([]uint64, nn+1)
	for 2*(len(r1)-1) >= nn+m.k {
		var rem []uint64
		quo, rem = f.divmod(r0, r1, quo[:cap(quo)])
		// v0 - quo·v1 can have degree up to nn: tmp holds it.
		next := f.mulSub(tmp[:cap(tmp)], v0, quo, v1)
		r0, r1 = r1, rem
		tmp, v0, v1 = v0[:cap(v0)], v1, next
	}
	// The message polynomial is r1 / v1 when the errors are within radius.
	msg, rem := f.divmod(r1, v1, make([]uint64, len(r1)+1))
	if len(rem) != 0 || len(msg) > m.k {
		return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: no codeword within %d errors: %w", (nn-m.k)/2, ErrTooManyErrors)
	}
	var digits [maxDigits]uint64
	copy(digits[:], msg)
	y := m.value(digits[:m.k])
	if y >= uint64(m.classes) {
		return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: nearest codeword is not a label below %d: %w", m.classes, ErrTooManyErrors)
	}
	for i, xi := range xs {
		if f.eval(digits[:m.k], xi) != ys[i] {
			corrected++
		}
	}
	if corrected > (nn-m.k)/2 {
		return 0, 0, fmt.Errorf("codes: ReedSolomon.Correct: no codeword within %d errors: %w", (nn-m.k)/2, ErrTooManyErrors)
	}
	return int(y), corrected, nil
}

// invDiffSigned returns (a - b)^-1 mod p for distinct points a, b in [0, n).
func (m *ReedSolomon) invDiffSigned(a, b uint64) uint64 {
	if a > b {
		return uint64(m.invDiff[a-b])
	}
	return m.f.P - uint64(m.invDiff[b-a])
}
