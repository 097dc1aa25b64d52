// Package nntest holds hostile inputs for the tests of the network
// encoding (internal/nn) and of the model files built on it (labelmap,
// infer), so that every loader is tested with the same bytes.
package nntest

import "encoding/binary"

// CraftedNet returns the encoded header of a network of 2^28−1 inputs, 64
// hidden layers of 2^28−1 and one head of 64, followed by no weights: its
// weight count is exactly 2^62, so that 4·count wraps to 0 in int64
// arithmetic and matches the empty weight section. A loader must refuse it
// before allocating.
func CraftedNet() []byte {
	const w = 1<<28 - 1
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u32(w)
	u32(64)
	for range 64 {
		u32(w)
	}
	u32(1)
	u32(64)
	return b
}
