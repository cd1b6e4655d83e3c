package squidgorgonia

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gradOp :: Tensor a → s → s → Tensor a: given the logits (for the shape),
// the loss node's value (an input only so that the machine runs the loss
// first) and the incoming gradient g, it returns g times the gradient the
// loss op's Do got from fsloss.
type gradOp struct {
	st *state
	dt tensor.Dtype
}

func (op *gradOp) Arity() int { return 3 }

func (op *gradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := gorgonia.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t, a, a, t)
}

func (op *gradOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("squidgorgonia: the logits' shape is unknown")
	}
	return s.Clone(), nil
}

func (op *gradOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("squidgorgonia: the gradient op takes 3 inputs, got %d", len(inputs))
	}
	last := op.st.last
	if last == nil {
		return nil, fmt.Errorf("squidgorgonia: the gradient ran before the loss")
	}
	if !last.Grad.Shape().Eq(inputs[0].Shape()) {
		return nil, fmt.Errorf("squidgorgonia: the loss's gradient has shape %v, the logits %v", last.Grad.Shape(), inputs[0].Shape())
	}
	out := last.Grad.Clone().(*tensor.Dense)
	switch g := inputs[2].Data().(type) {
	case float64:
		if g != 1 {
			scale(out.Data(), g)
		}
	case float32:
		if g != 1 {
			scale(out.Data(), float64(g))
		}
	default:
		return nil, fmt.Errorf("squidgorgonia: the incoming gradient is a %T, want a float scalar", g)
	}
	return out, nil
}

// scale multiplies a float32 or float64 slice by g in place.
func scale(data any, g float64) {
	switch d := data.(type) {
	case []float64:
		for i := range d {
			d[i] *= g
		}
	case []float32:
		for i := range d {
			d[i] *= float32(g)
		}
	}
}

func (op *gradOp) ReturnsPtr() bool      { return false }
func (op *gradOp) CallsExtern() bool     { return false }
func (op *gradOp) OverwritesInput() int  { return -1 }
func (op *gradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "squidLossGrad(%p)", op.st) }
func (op *gradOp) Hashcode() uint32      { return hashOf(op) }
func (op *gradOp) String() string        { return "squidLossGrad" }
