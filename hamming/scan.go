package hamming

import "math/bits"

// The scan kernels below compare a query with codes packed w words each and
// numbered first, first+1, ... They are specialised for 1, 2 and 4 words,
// the common code lengths (64, 128, 256 bits), so that the loop body is a
// few XOR and POPCNT instructions with no inner loop; the general kernel
// handles every other length. Each kernel offers the collector only the
// codes closer than its bound, one comparison per code.

// scanTopK offers the n codes of codes to c.
func scanTopK(codes []uint64, w, n, first int, q []uint64, c *topK) {
	switch w {
	case 0:
		for i := 0; i < n && 0 < c.bound; i++ {
			c.push(first+i, 0)
		}
	case 1:
		scanTopK1(codes[:n], first, q[0], c)
	case 2:
		scanTopK2(codes[:2*n], first, q[0], q[1], c)
	case 4:
		scanTopK4(codes[:4*n], first, q[0], q[1], q[2], q[3], c)
	default:
		scanTopKN(codes[:w*n], w, first, q, c)
	}
}

func scanTopK1(codes []uint64, first int, q0 uint64, c *topK) {
	t := c.bound
	id := first
	// Four codes per step and one branch on their minimum: with one
	// POPCNT per code, the loop and the branches would cost more than the
	// distances.
	for len(codes) >= 4 {
		d0 := bits.OnesCount64(codes[0] ^ q0)
		d1 := bits.OnesCount64(codes[1] ^ q0)
		d2 := bits.OnesCount64(codes[2] ^ q0)
		d3 := bits.OnesCount64(codes[3] ^ q0)
		if min(d0, d1, d2, d3) < t {
			for j, d := range [4]int{d0, d1, d2, d3} {
				if d < t {
					c.push(id+j, d)
					t = c.bound
				}
			}
		}
		codes = codes[4:]
		id += 4
	}
	for i, x := range codes {
		if d := bits.OnesCount64(x ^ q0); d < t {
			c.push(id+i, d)
			t = c.bound
		}
	}
}

func scanTopK2(codes []uint64, first int, q0, q1 uint64, c *topK) {
	t := c.bound
	id := first
	for len(codes) >= 4 {
		d0 := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1)
		d1 := bits.OnesCount64(codes[2]^q0) + bits.OnesCount64(codes[3]^q1)
		if min(d0, d1) < t {
			if d0 < t {
				c.push(id, d0)
				t = c.bound
			}
			if d1 < t {
				c.push(id+1, d1)
				t = c.bound
			}
		}
		codes = codes[4:]
		id += 2
	}
	if len(codes) >= 2 {
		if d := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1); d < t {
			c.push(id, d)
		}
	}
}

func scanTopK4(codes []uint64, first int, q0, q1, q2, q3 uint64, c *topK) {
	t := c.bound
	id := first
	for len(codes) >= 8 {
		d0 := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1) +
			bits.OnesCount64(codes[2]^q2) + bits.OnesCount64(codes[3]^q3)
		d1 := bits.OnesCount64(codes[4]^q0) + bits.OnesCount64(codes[5]^q1) +
			bits.OnesCount64(codes[6]^q2) + bits.OnesCount64(codes[7]^q3)
		if min(d0, d1) < t {
			if d0 < t {
				c.push(id, d0)
				t = c.bound
			}
			if d1 < t {
				c.push(id+1, d1)
				t = c.bound
			}
		}
		codes = codes[8:]
		id += 2
	}
	if len(codes) >= 4 {
		d := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1) +
			bits.OnesCount64(codes[2]^q2) + bits.OnesCount64(codes[3]^q3)
		if d < t {
			c.push(id, d)
		}
	}
}

func scanTopKN(codes []uint64, w, first int, q []uint64, c *topK) {
	t := c.bound
	id := first
	q = q[:w]
	for len(codes) >= w {
		x := codes[:w]
		d := 0
		for j, v := range x {
			d += bits.OnesCount64(v ^ q[j])
		}
		if d < t {
			c.push(id, d)
			t = c.bound
		}
		codes = codes[w:]
		id++
	}
}

// scanRadius appends to dst every code within distance r of q, in ascending
// ID order.
func scanRadius(codes []uint64, w, n, first int, q []uint64, r int, dst []Neighbor) []Neighbor {
	switch w {
	case 0:
		if r >= 0 {
			for i := 0; i < n; i++ {
				dst = append(dst, Neighbor{ID: first + i})
			}
		}
	case 1:
		q0 := q[0]
		for i, x := range codes[:n] {
			if d := bits.OnesCount64(x ^ q0); d <= r {
				dst = append(dst, Neighbor{ID: first + i, Distance: d})
			}
		}
	case 2:
		q0, q1 := q[0], q[1]
		codes = codes[:2*n]
		for id := first; len(codes) >= 2; id++ {
			if d := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1); d <= r {
				dst = append(dst, Neighbor{ID: id, Distance: d})
			}
			codes = codes[2:]
		}
	case 4:
		q0, q1, q2, q3 := q[0], q[1], q[2], q[3]
		codes = codes[:4*n]
		for id := first; len(codes) >= 4; id++ {
			d := bits.OnesCount64(codes[0]^q0) + bits.OnesCount64(codes[1]^q1) +
				bits.OnesCount64(codes[2]^q2) + bits.OnesCount64(codes[3]^q3)
			if d <= r {
				dst = append(dst, Neighbor{ID: id, Distance: d})
			}
			codes = codes[4:]
		}
	default:
		codes = codes[:w*n]
		q = q[:w]
		for id := first; len(codes) >= w; id++ {
			d := 0
			for j, v := range codes[:w] {
				d += bits.OnesCount64(v ^ q[j])
			}
			if d <= r {
				dst = append(dst, Neighbor{ID: id, Distance: d})
			}
			codes = codes[w:]
		}
	}
	return dst
}
