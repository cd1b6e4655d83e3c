// Package squidgomlx trains GoMLX models with squid's online FlyingSquid
// loss. GoMLX differentiates the graph itself, so squid's part is the
// targets: for each batch, fsloss.Loss.Labels buffers the labeling
// functions' votes, refits the label model as configured and returns
// probabilistic labels, which go to losses.BinaryCrossentropyLogits as soft
// targets. This is exact: the labels do not depend on the logits, so the
// gradient of BCE-with-logits against them is fsloss's gradient.
//
// Pos-weight: GoMLX's BinaryCrossentropyLogits has per-value weights but no
// positive-class weight; Targets maps a pos-weight pw exactly onto targets
// q = pw·p / w and weights w = 1 + (pw-1)·p (fsloss.PosWeightTargets), and
// the weighted mean GoMLX computes is then fsloss's loss. Clamping
// (Config.ClampVals) needs nothing: Labels already returns the hard 0/1
// labels. Use one of Labels or Forward per batch, never both (see
// fsloss.Loss.Forward).
//
// Backends: this package uses no backend itself; the tutorial's example and
// the tests use GoMLX's pure-Go simplego backend (XLA needs a PJRT plugin).
package squidgomlx

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
)

// Labeler makes a batch's labels from its weak labels: *fsloss.Loss (the
// FlyingSquid loss) or fsloss.MajorityVoteLoss.
type Labeler interface {
	Labels(weakLabels *tensor.Dense) (*tensor.Dense, error)
}

// Targets returns the labels of one batch for
// losses.BinaryCrossentropyLogits: the (batch, v) targets made by labeler
// from weakLabels (batch x m votes), followed by the (batch, v) weights
// when posWeight is neither 0 nor 1, in dtype (Float32 or Float64, the
// logits' dtype). It pushes the batch into labeler's buffer: call it once
// per batch.
func Targets(labeler Labeler, weakLabels *tensor.Dense, posWeight float64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if dtype != dtypes.Float32 && dtype != dtypes.Float64 {
		return nil, fmt.Errorf("squidgomlx: targets dtype %s, want Float32 or Float64", dtype)
	}
	if !(posWeight >= 0) {
		return nil, fmt.Errorf("squidgomlx: pos weight %v must be a positive number (0 means 1)", posWeight)
	}
	labels, err := labeler.Labels(weakLabels)
	if err != nil {
		return nil, err
	}
	shape := labels.Shape()
	p := labels.Data().([]float64)
	q, w := fsloss.PosWeightTargets(p, posWeight)
	out := []*tensors.Tensor{fromFloats(q, dtype, shape...)}
	if posWeight != 0 && posWeight != 1 {
		out = append(out, fromFloats(w, dtype, shape...))
	}
	return out, nil
}

// fromFloats makes a tensor of dtype from float64 values.
func fromFloats(v []float64, dtype dtypes.DType, dims ...int) *tensors.Tensor {
	if dtype == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), v...), dims...)
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tensors.FromFlatDataAndDimensions(f, dims...)
}
