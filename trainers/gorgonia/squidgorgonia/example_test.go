package squidgorgonia_test

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/trainers/gorgonia/squidgorgonia"
)

// The loss node replaces a gold-label cost: Grad differentiates through it
// to the logits (and from there to a model's weights).
func ExampleNewLoss() {
	g := gorgonia.NewGraph()
	logits := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 1), gorgonia.WithName("logits"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(4, 1), tensor.WithBacking([]float64{2, -1, 0.5, -3}))))
	votes := gorgonia.NewMatrix(g, tensor.Int8, gorgonia.WithShape(4, 3), gorgonia.WithName("votes"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]int8{1, 1, 0, -1, -1, 1, 1, 0, 1, -1, -1, -1}))))
	fs, err := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}, UpdateFrequency: 2, WarmUp: 2})
	if err != nil {
		panic(err)
	}
	loss, err := squidgorgonia.NewLoss(fs, logits, votes)
	if err != nil {
		panic(err)
	}
	grads, err := gorgonia.Grad(loss.Node, logits)
	if err != nil {
		panic(err)
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		panic(err)
	}
	fmt.Printf("loss %.4f\n", loss.Node.Value().Data())
	fmt.Println("d loss / d logits shape", grads[0].Value().Shape())
	// Output:
	// loss 0.3032
	// d loss / d logits shape (4, 1)
}
