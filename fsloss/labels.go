package fsloss

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Labels pushes a batch of weak labels (batch x m) into the buffer, with
// refits as Forward does, and returns the rows' probabilistic labels
// P(Y_t = +1 | votes) as a batch x v float64 tensor (hard 0/1 labels with
// ClampVals; soft majority votes during the warm-up), without scoring them.
// It is for trainers that compute the loss themselves against soft targets
// (a framework's BCE-with-logits, see PosWeightTargets) and need the targets
// before the model has produced logits.
//
// Labels takes the place of Forward for the batch: every batch goes through
// exactly one of them, once (see Forward). On error nothing is changed.
func (l *Loss) Labels(weakLabels *tensor.Dense) (*tensor.Dense, error) {
	if weakLabels == nil || len(weakLabels.Shape()) != 2 {
		var shape []int
		if weakLabels != nil {
			shape = weakLabels.Shape()
		}
		return nil, fmt.Errorf("fsloss: weak labels have shape %v, want (batch, %d)", shape, l.cfg.Spec.M)
	}
	batch := weakLabels.Shape()[0]
	labels, err := l.pushAndLabel(weakLabels, batch)
	if err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(batch, l.cfg.Spec.Tasks()), tensor.WithBacking(labels)), nil
}

// PosWeightTargets maps BCE-with-logits with a positive-class weight onto
// a plain weighted BCE-with-logits, for frameworks whose loss has per-value
// weights but no pos-weight (GoMLX's losses.BinaryCrossentropyLogits). For
// a label p and weight pw it returns the target q = pw·p / w and the weight
// w = 1 + (pw-1)·p, so that for every logit x
//
//	w · BCE(x, q) = pw·p·softplus(-x) + (1-p)·softplus(x) = BCE_pw(x, p),
//
// exactly the per-value loss Forward computes; the mean of the weighted
// values is then Forward's Loss. pw = 1 (or 0) gives q = p and w = 1.
func PosWeightTargets(labels []float64, pw float64) (targets, weights []float64) {
	if pw == 0 {
		pw = 1
	}
	targets, weights = make([]float64, len(labels)), make([]float64, len(labels))
	for i, p := range labels {
		weights[i] = 1 + (pw-1)*p
		targets[i] = pw * p / weights[i]
	}
	return targets, weights
}
