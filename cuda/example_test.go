//go:build !nocuda

package cuda_test

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/cuda"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// Votes uploaded once are counted on the device as often as needed; only
// the counts come back.
func ExampleDevice_CountDevice() {
	d, err := cuda.Open(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Release()
	// 4 rows x 3 LFs.
	votes := []int8{
		1, 1, -1,
		1, 0, -1,
		-1, -1, 1,
		0, 1, 1,
	}
	v, err := d.Upload(votes, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Free()
	counts := cpu.NewCounts(3)
	if err := d.CountDevice(counts, v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("positives", counts.Pos, "negatives", counts.Neg)
	fmt.Printf("LFs 0 and 2: %+v\n", counts.Pairs[cpu.PairIndex(0, 2, 3)])
	// Output:
	// positives [2 2 2] negatives [1 1 2]
	// LFs 0 and 2: {PP:0 PN:2 NP:1 NN:0}
}

// A training loop's loss on the GPU: logits stay in device memory, each
// batch is one Forward (one kernel launch however many refits it holds),
// and every result is freed so that the next step reuses its memory.
func ExampleDevice_NewLoss() {
	d, err := cuda.Open(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	loss, err := d.NewLoss(fsloss.Config{Spec: labelmodel.Spec{M: 3}, UpdateFrequency: 2, WarmUp: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer loss.Close()
	votes := []int8{1, 1, 0, -1, -1, -1, 1, 0, 1, -1, 1, -1, 1, 1, 1, 0, -1, -1}
	x := []float32{2, -1, 0.5, -0.5, 1.5, -2}
	for step := range 2 {
		weak := tensor.New(tensor.WithShape(3, 3), tensor.WithBacking(append([]int8{}, votes[9*step:9*step+9]...)))
		logits, err := d.ToDevice(tensor.New(tensor.WithShape(3, 1), tensor.WithBacking(append([]float32{}, x[3*step:3*step+3]...))))
		if err != nil {
			fmt.Println(err)
			return
		}
		res, err := loss.Forward(logits, weak)
		logits.Free()
		if err != nil {
			fmt.Println(err)
			return
		}
		labels, _ := res.Labels.ToHost()
		fmt.Printf("step %d: loss %.4f, labels %.3f\n", step, res.Loss, labels.Data())
		res.Free() // back to the loss, for the next step
	}
	// Output:
	// step 0: loss 0.3056, labels [1.000 0.000 0.995]
	// step 1: loss 0.3126, labels [0.211 0.998 0.013]
}
