package fsloss

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/labelmodel"
)

// dense returns the row-major backing data of t, materialising views.
func dense(t *tensor.Dense) any {
	if t.IsView() || t.RequiresIterator() {
		if m, ok := t.Materialize().(*tensor.Dense); ok {
			return m.Data()
		}
	}
	return t.Data()
}

// readLogits returns the logits as float64 (batch x v) after checking the
// shape, the dtype and that every value is finite.
func readLogits(t *tensor.Dense, v int) ([]float64, int, error) {
	if t == nil {
		return nil, 0, fmt.Errorf("fsloss: logits are nil")
	}
	shape := t.Shape()
	batch := 0
	switch {
	case len(shape) == 2 && shape[1] == v:
		batch = shape[0]
	case len(shape) == 1 && v == 1:
		batch = shape[0]
	default:
		return nil, 0, labelmodel.ShapeErrorf("logits", shapeCols(shape), v, "fsloss: logits have shape %v, want (batch, %d)", []int(shape), v)
	}
	out := make([]float64, batch*v)
	switch d := dense(t).(type) {
	case []float64:
		copy(out, d)
	case []float32:
		for i, x := range d {
			out[i] = float64(x)
		}
	case float64: // a scalar-shaped tensor with one element
		out[0] = d
	case float32:
		out[0] = float64(d)
	default:
		return nil, 0, fmt.Errorf("fsloss: logits have dtype %v, want float32 or float64", t.Dtype())
	}
	for i, x := range out {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, 0, fmt.Errorf("fsloss: logit at row %d, task %d is %v", i/v, i%v, x)
		}
	}
	return out, batch, nil
}

// readVotes returns the weak labels as int8 (batch x m) after checking the
// shape and that every value is -1, 0 or +1 (or ±1 without abstentions).
func readVotes(t *tensor.Dense, batch, m int, allowAbstain bool) ([]int8, error) {
	if t == nil {
		return nil, fmt.Errorf("fsloss: weak labels are nil")
	}
	shape := t.Shape()
	if len(shape) != 2 || shape[0] != batch || shape[1] != m {
		return nil, labelmodel.ShapeErrorf("weak labels", shapeCols(shape), m, "fsloss: weak labels have shape %v, want (%d, %d): one row of m = %d votes per logit row", []int(shape), batch, m, m)
	}
	vals, err := asFloats(dense(t))
	if err != nil {
		return nil, fmt.Errorf("fsloss: weak labels have dtype %v, want a signed integer or float type", t.Dtype())
	}
	out := make([]int8, len(vals))
	for i, x := range vals {
		if x != 1 && x != -1 && (x != 0 || !allowAbstain) {
			want := "-1, 0 or +1"
			if !allowAbstain {
				want = "-1 or +1 (abstentions are not allowed)"
			}
			return nil, fmt.Errorf("fsloss: weak label at row %d, column %d is %v, want %s", i/m, i%m, x, want)
		}
		out[i] = int8(x)
	}
	return out, nil
}

// newLike returns a tensor with the shape and dtype of like holding vals.
func newLike(like *tensor.Dense, vals []float64) *tensor.Dense {
	if like.Dtype() == tensor.Float32 {
		f := make([]float32, len(vals))
		for i, x := range vals {
			f[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(like.Shape().Clone()...), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(like.Shape().Clone()...), tensor.WithBacking(vals))
}

// asFloats returns the values of a tensor's backing slice as float64.
func asFloats(data any) ([]float64, error) {
	conv := func(n int, at func(int) float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	switch d := data.(type) {
	case []int8:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []int16:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []int32:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []int64:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []int:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []float32:
		return conv(len(d), func(i int) float64 { return float64(d[i]) }), nil
	case []float64:
		return d, nil
	}
	return nil, fmt.Errorf("unsupported dtype %T", data)
}

// shapeCols returns the columns of a tensor shape (its last dimension, or
// -1 for a scalar), for ShapeError.Got.
func shapeCols(shape tensor.Shape) int {
	if len(shape) == 0 {
		return -1
	}
	return shape[len(shape)-1]
}
