package nntrain

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// float32s returns the data of a float32 tensor value in row-major order
// and its shape. A view (a transposed or sliced tensor) is materialised
// first.
func float32s(v G.Value, what string) ([]float32, tensor.Shape, error) {
	t, ok := v.(tensor.Tensor)
	if !ok || t == nil {
		return nil, nil, fmt.Errorf("%w: %s is %T, want a float32 tensor", ErrData, what, v)
	}
	if t.RequiresIterator() {
		m, ok := t.(tensor.View)
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s is a view of type %T", ErrData, what, v)
		}
		t = m.Materialize()
	}
	switch d := t.Data().(type) {
	case []float32:
		return d, t.Shape(), nil
	case float32:
		return []float32{d}, t.Shape(), nil
	}
	return nil, nil, fmt.Errorf("%w: %s holds %T, want float32 data", ErrData, what, t.Data())
}

// buffer is an op's own float32 output tensor, allocated once and reused
// by every run: gorgonia's tape machine drops its registers at every
// Reset, so an op that wrote into the preallocated register would allocate
// (and the runtime zero) a new output every batch.
type buffer struct{ t *tensor.Dense }

// get returns the buffer's tensor, reallocated only when the shape changed.
func (b *buffer) get(shape ...int) *tensor.Dense {
	if b.t == nil || !b.t.Shape().Eq(tensor.Shape(shape)) {
		b.t = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...))
	}
	return b.t
}
