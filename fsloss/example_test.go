package fsloss_test

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// One training step: the loss buffers the batch's weak labels, refits the
// label model, and returns the loss and d loss / d logits for the trainer.
func ExampleLoss_Forward() {
	loss, err := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}, UpdateFrequency: 2})
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
	// loss 0.6782
	// gradient shape (4, 1) float32
}
