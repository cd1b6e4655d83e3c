package fsloss

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Result is what a loss returns for one batch.
type Result struct {
	// Loss is the batch loss: BCE-with-logits averaged over the v outputs
	// of a row, then over the rows of the batch.
	Loss float64
	// Grad is d Loss / d logits, with the shape and dtype of the logits.
	Grad *tensor.Dense
	// Labels are the probabilistic labels P(Y_t = +1) used (batch x v).
	Labels *tensor.Dense
	// RowLoss is the loss of each row (the mean over its v outputs).
	RowLoss []float64
}

// score computes the result of a batch from logits and labels (batch x v).
func score(logitsT *tensor.Dense, logits, labels []float64, batch, v int, pw float64) Result {
	grad := make([]float64, len(logits))
	rows := make([]float64, batch)
	var total float64
	for r := 0; r < batch; r++ {
		var rl float64
		for t := 0; t < v; t++ {
			k := r*v + t
			l, g := bceWithLogits(logits[k], labels[k], pw)
			rl += l
			grad[k] = g / float64(v*batch)
		}
		rows[r] = rl / float64(v)
		total += rows[r]
	}
	res := Result{Grad: newLike(logitsT, grad), RowLoss: rows,
		Labels: tensor.New(tensor.WithShape(batch, v), tensor.WithBacking(labels))}
	if batch > 0 {
		res.Loss = total / float64(batch)
	}
	return res
}

// BCEWithLogits scores logits (batch x v) against given labels (batch x v
// probabilities in [0, 1], float32 or float64), for training on gold or
// externally made labels with the same Result as the weak-supervision
// losses.
func BCEWithLogits(logits, labels *tensor.Dense, posWeight float64) (Result, error) {
	shape := logits.Shape()
	v := 1
	if len(shape) == 2 {
		v = shape[1]
	}
	x, batch, err := readLogits(logits, v)
	if err != nil {
		return Result{}, err
	}
	if labels == nil || labels.Shape().TotalSize() != batch*v {
		return Result{}, fmt.Errorf("fsloss: labels must have %d x %d values", batch, v)
	}
	var y []float64
	switch d := dense(labels).(type) {
	case []float64:
		y = append(y, d...)
	case []float32:
		for _, p := range d {
			y = append(y, float64(p))
		}
	default:
		return Result{}, fmt.Errorf("fsloss: labels have dtype %v, want float32 or float64", labels.Dtype())
	}
	for i, p := range y {
		if !(p >= 0 && p <= 1) {
			return Result{}, fmt.Errorf("fsloss: label at row %d, task %d is %v, want a probability", i/v, i%v, p)
		}
	}
	if posWeight == 0 {
		posWeight = 1
	}
	return score(logits, x, y, batch, v, posWeight), nil
}

// bceWithLogits returns PyTorch's BCEWithLogitsLoss of logit x against
// target p with positive-class weight pw, and its derivative in x.
func bceWithLogits(x, p, pw float64) (loss, grad float64) {
	// log(1 + e^-x), stable for large |x|.
	softplus := max(-x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	w := 1 + (pw-1)*p
	sig := 1 / (1 + math.Exp(-x))
	return (1-p)*x + w*softplus, w*sig - pw*p
}
