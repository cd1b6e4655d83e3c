package fsloss_test

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// One training step: the loss buffers the batch's weak labels, refits the
// label model (first after a warm-up of 2 rows here, refits every 2 rows),
// and returns the loss and d loss / d logits for the trainer.
func ExampleLoss_Forward() {
	loss, err := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}, UpdateFrequency: 2, WarmUp: 2})
	if err != nil {
		panic(err)
	}
	logits := tensor.New(tensor.WithShape(4, 1), tensor.WithBacking([]float32{2, -1, 0.5, -3}))
	votes := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]int8{
		1, 1, 0,
		-1, -1, 1,
		1, 0, 1,
		-1, -1, -1,
	}))
	res, err := loss.Forward(logits, votes)
	if err != nil {
		panic(err)
	}
	fmt.Printf("loss %.4f\n", res.Loss)
	fmt.Println("gradient shape", res.Grad.Shape(), res.Grad.Dtype())
	// Output:
	// loss 0.3032
	// gradient shape (4, 1) float32
}

// A soft-target trainer takes the labels first, feeds them to its own
// BCE-with-logits, and never calls Forward for that batch. Before the
// warm-up (100 rows by default) the labels are soft majority votes.
func ExampleLoss_Labels() {
	loss, err := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}})
	if err != nil {
		panic(err)
	}
	votes := tensor.New(tensor.WithShape(3, 3), tensor.WithBacking([]int8{
		1, 1, 0,
		-1, 1, 0,
		0, -1, -1,
	}))
	labels, err := loss.Labels(votes)
	if err != nil {
		panic(err)
	}
	fmt.Println(labels.Shape(), labels.Data())
	targets, weights := fsloss.PosWeightTargets(labels.Data().([]float64), 3)
	fmt.Println("pos weight 3:", targets, weights)
	// Output:
	// (3, 1) [1 0.5 0]
	// pos weight 3: [1 0.75 0] [3 2 1]
}
