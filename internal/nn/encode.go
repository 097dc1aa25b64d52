package nn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/labelcode/labelcode/internal/limits"
)

// MarshalBinary encodes the architecture and weights: little-endian uint32
// Inputs, number of hidden layers, their widths, number of heads, their
// sizes, then every layer's W and B (Layers order) as little-endian float32.
// It never fails.
func (n *Net) MarshalBinary() ([]byte, error) {
	s := n.Spec
	buf := make([]byte, 0, 4*(3+len(s.Hidden)+len(s.Heads)+n.Params()))
	u32 := func(v int) { buf = binary.LittleEndian.AppendUint32(buf, uint32(v)) }
	u32(s.Inputs)
	u32(len(s.Hidden))
	for _, h := range s.Hidden {
		u32(h)
	}
	u32(len(s.Heads))
	for _, h := range s.Heads {
		u32(h)
	}
	for _, l := range n.Layers() {
		for _, v := range l.W {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		for _, v := range l.B {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	return buf, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote into n, replacing its
// contents. It returns ErrSpec (wrapped) when the data are truncated, too
// long, describe an invalid architecture or hold a non-finite weight; n is
// then unchanged.
//
// It never allocates much more than len(data): every list length is
// checked against the bytes left before its slice is made, and the weight
// count of the architecture is computed without overflow (Spec.Weights)
// and must equal the float32s left before any layer is allocated. An
// architecture that needs more weights than the data hold, or whose size
// overflows, is an error wrapping both ErrSpec and limits.ErrTooLarge.
func (n *Net) UnmarshalBinary(data []byte) error {
	p := data
	u32 := func() (int, error) {
		if len(p) < 4 {
			return 0, fmt.Errorf("%w: network data truncated", ErrSpec)
		}
		v := binary.LittleEndian.Uint32(p)
		p = p[4:]
		return int(v), nil
	}
	var s Spec
	var err error
	if s.Inputs, err = u32(); err != nil {
		return err
	}
	list := func() ([]int, error) {
		c, err := u32()
		if err != nil {
			return nil, err
		}
		if c > len(p)/4 {
			return nil, fmt.Errorf("%w: network data truncated", ErrSpec)
		}
		out := make([]int, c)
		for i := range out {
			if out[i], err = u32(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if s.Hidden, err = list(); err != nil {
		return err
	}
	if s.Heads, err = list(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	// The data left must hold exactly the weights: compare counts of
	// float32s, never 4·want, which could overflow.
	have := len(p) / 4
	want, err := s.Weights(have)
	if err != nil {
		if errors.Is(err, limits.ErrTooLarge) {
			return fmt.Errorf("%w: %d bytes of weights: %w", ErrSpec, len(p), err)
		}
		return err
	}
	if want != have || len(p)%4 != 0 {
		return fmt.Errorf("%w: %d bytes of weights, architecture %d-%v-%v needs %d", ErrSpec, len(p), s.Inputs, s.Hidden, s.Heads, 4*want)
	}
	m := &Net{Spec: s}
	in := s.Inputs
	for _, h := range s.Hidden {
		m.Hidden = append(m.Hidden, NewDense(in, h))
		in = h
	}
	for _, h := range s.Heads {
		m.Heads = append(m.Heads, NewDense(in, h))
	}
	for _, l := range m.Layers() {
		for i := range l.W {
			l.W[i] = math.Float32frombits(binary.LittleEndian.Uint32(p))
			p = p[4:]
		}
		for i := range l.B {
			l.B[i] = math.Float32frombits(binary.LittleEndian.Uint32(p))
			p = p[4:]
		}
	}
	if err := m.Check(); err != nil {
		return err
	}
	*n = *m
	return nil
}
