package nntrain

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// denseOf returns the data of a float32 or float64 tensor value in
// row-major order ([]float32 or []float64) and its shape. A view (a
// transposed or sliced tensor) is materialised first.
func denseOf(v G.Value, what string) (any, tensor.Shape, error) {
	t, ok := v.(tensor.Tensor)
	if !ok || t == nil {
		return nil, nil, fmt.Errorf("%w: %s is %T, want a float tensor", ErrData, what, v)
	}
	if t.RequiresIterator() {
		m, ok := t.(tensor.View)
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s is a view of type %T", ErrData, what, v)
		}
		t = m.Materialize()
	}
	switch d := t.Data().(type) {
	case []float32, []float64:
		return d, t.Shape(), nil
	case float32:
		return []float32{d}, t.Shape(), nil
	case float64:
		return []float64{d}, t.Shape(), nil
	}
	return nil, nil, fmt.Errorf("%w: %s holds %T, want float32 or float64 data", ErrData, what, t.Data())
}

// float32s returns the data of a float32 tensor value.
func float32s(v G.Value, what string) ([]float32, tensor.Shape, error) {
	d, s, err := denseOf(v, what)
	if err != nil {
		return nil, nil, err
	}
	f, ok := d.([]float32)
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s holds %T, want []float32", ErrData, what, d)
	}
	return f, s, nil
}

// buffer is an op's own output tensor, allocated once and reused by every
// run: gorgonia's tape machine drops its registers at every Reset, so an op
// that wrote into the preallocated register would allocate (and the
// runtime zero) a new output every batch.
type buffer struct{ t *tensor.Dense }

// get returns the buffer's tensor, reallocated only when the dtype or the
// shape changed.
func (b *buffer) get(dt tensor.Dtype, shape ...int) *tensor.Dense {
	if b.t == nil || b.t.Dtype() != dt || !b.t.Shape().Eq(tensor.Shape(shape)) {
		b.t = tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	}
	return b.t
}
