package codes

import "github.com/labelcode/labelcode/internal/modarith"

// Arithmetic in GF(p) for a prime p <= MaxPrime < 2^31: elements are
// uint64 in [0, p), so a product of two is below 2^62 and never overflows.
// Polynomials are coefficient slices, lowest degree first, without
// trailing zeros (the zero polynomial is empty; its degree is -1).

// inverseTableMax is the largest p for which GF(p) keeps a table of all
// inverses (4·p bytes).
const inverseTableMax = 1 << 16

type field struct {
	modarith.Barrett
	inv []uint32 // inv[a] = a^-1 for a in [1, p), when p <= inverseTableMax
}

func newField(p int) field {
	f := field{Barrett: modarith.New(uint64(p))}
	if p <= inverseTableMax {
		f.inv = make([]uint32, p)
		if p > 1 {
			f.inv[1] = 1
		}
		// inv(a) = -(p/a)·inv(p mod a): a linear-time table.
		for a := uint64(2); a < f.P; a++ {
			f.inv[a] = uint32(f.Mod((f.P - f.P/a) * uint64(f.inv[f.P%a])))
		}
	}
	return f
}

func (f field) mul(a, b uint64) uint64 { return f.Mod(a * b) }
func (f field) sub(a, b uint64) uint64 { return f.Mod(a + f.P - b) }

// invert returns a^-1 for a in [1, p).
func (f field) invert(a uint64) uint64 {
	if f.inv != nil {
		return uint64(f.inv[a])
	}
	return invMod(a, f.P)
}

// trim drops trailing zero coefficients.
func trim(a []uint64) []uint64 {
	for len(a) > 0 && a[len(a)-1] == 0 {
		a = a[:len(a)-1]
	}
	return a
}

// eval returns a(x) by Horner's rule.
func (f field) eval(a []uint64, x uint64) uint64 {
	v := uint64(0)
	for i := len(a) - 1; i >= 0; i-- {
		v = f.Mod(v*x + a[i])
	}
	return v
}

// divmod returns the quotient and remainder of a / b (b nonzero), written
// into q and a's storage. q must have room for len(a)-len(b)+1 entries.
func (f field) divmod(a, b, q []uint64) (quo, rem []uint64) {
	db := len(b) - 1
	if len(a) < len(b) {
		return q[:0], a
	}
	lead := f.invert(b[db])
	q = q[:len(a)-db]
	for i := len(a) - 1; i >= db; i-- {
		c := f.mul(a[i], lead)
		q[i-db] = c
		if c == 0 {
			continue
		}
		for j := 0; j <= db; j++ {
			a[i-db+j] = f.sub(a[i-db+j], f.mul(c, b[j]))
		}
	}
	return trim(q), trim(a[:db])
}

// mulSub returns a - q·b written into dst (len(dst) >= max(len(a), len(q)+len(b)-1)).
func (f field) mulSub(dst, a, q, b []uint64) []uint64 {
	n := len(a)
	if len(q) > 0 && len(b) > 0 && len(q)+len(b)-1 > n {
		n = len(q) + len(b) - 1
	}
	dst = dst[:n]
	clear(dst)
	copy(dst, a)
	for i, qi := range q {
		if qi == 0 {
			continue
		}
		for j, bj := range b {
			dst[i+j] = f.sub(dst[i+j], f.mul(qi, bj))
		}
	}
	return trim(dst)
}
