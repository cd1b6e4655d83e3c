// Command example trains a small GoMLX MLP on the tutorial's task
// (docs/tutorial-online.md) three ways, one pass over the stream in
// mini-batches, on GoMLX's pure-Go simplego backend: on gold labels, on
// squid's probabilistic labels made from the labeling functions' votes, and
// on their majority vote, all with losses.BinaryCrossentropyLogits; it
// prints the test accuracy of each for several seeds.
//
//	cd trainers/gomlx && go run ./example [-seeds 5]
package main

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/examples/online/task"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/trainers/gomlx/squidgomlx"
)

const (
	batchSize = task.MLPBatch
	hidden    = task.MLPHidden
)

// lr is the learning rate (-lr).
var lr = task.MLPRate

func main() { task.Main(&lr, run) }

// run trains the three models for each seed on nTrain rows and prints the
// table.
func run(seeds, nTrain int) ([]task.Accuracies, error) {
	backend, err := simplego.New("")
	if err != nil {
		return nil, err
	}
	defer backend.Finalize()
	return task.RunSeeds(seeds, nTrain, func(d task.Data, seed uint64) (a task.Accuracies, err error) {
		if a.Gold, err = trainGold(backend, d, seed); err != nil {
			return a, err
		}
		fs, err := task.NewLoss()
		if err != nil {
			return a, err
		}
		if a.Squid, err = trainSquid(backend, d, seed, fs); err != nil {
			return a, err
		}
		a.Majority, err = trainSquid(backend, d, seed, fsloss.MajorityVoteLoss{M: len(task.LFs)})
		return a, err
	})
}

// modelFn is the end model: task.Dim -> hidden (ReLU) -> 1 logit.
func modelFn(ctx *context.Context, _ any, inputs []*Node) []*Node {
	h := activations.Relu(layers.Dense(ctx.In("hidden"), inputs[0], true, hidden))
	return []*Node{layers.Dense(ctx.In("output"), h, true, 1)}
}

// newTrainer returns a trainer of a fresh model whose weights are drawn
// from seed, with BCE-with-logits and Adam.
func newTrainer(backend backends.Backend, seed uint64) (*train.Trainer, *context.Context, error) {
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(int64(seed)); err != nil {
		return nil, nil, err
	}
	ctx.SetParam(optimizers.ParamLearningRate, lr)
	trainer := train.NewTrainer(backend, ctx, modelFn, losses.BinaryCrossentropyLogits, optimizers.Adam().Done(), nil, nil)
	return trainer, ctx, nil
}

// batchX is the features of rows [from, from+batchSize) as a GoMLX tensor.
func batchX(x []float64, from int) *tensors.Tensor {
	b := make([]float32, batchSize*task.Dim)
	for i := range b {
		b[i] = float32(x[from*task.Dim+i])
	}
	return tensors.FromFlatDataAndDimensions(b, batchSize, task.Dim)
}

// snippet:gomlx-gold
// trainGold: each batch's targets are its gold labels.
func trainGold(backend backends.Backend, d task.Data, seed uint64) (float64, error) {
	trainer, ctx, err := newTrainer(backend, seed)
	if err != nil {
		return 0, err
	}
	for from := 0; from+batchSize <= len(d.Y); from += batchSize {
		y := task.GoldTargets(d.Y[from : from+batchSize])
		targets := make([]float32, batchSize)
		for i, p := range y {
			targets[i] = float32(p)
		}
		labels := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(targets, batchSize, 1)}
		if _, err := trainer.TrainStep(nil, []*tensors.Tensor{batchX(d.X, from)}, labels); err != nil {
			return 0, err
		}
	}
	return testAccuracy(backend, ctx, d)
}

// snippet:end

// snippet:gomlx-squid
// trainSquid: each batch's targets are squid's probabilistic labels of its
// votes (fs is an *fsloss.Loss, or the majority-vote baseline); same loss,
// same step.
func trainSquid(backend backends.Backend, d task.Data, seed uint64, fs squidgomlx.Labeler) (float64, error) {
	trainer, ctx, err := newTrainer(backend, seed)
	if err != nil {
		return 0, err
	}
	nLF := len(task.LFs)
	for from := 0; from+batchSize <= len(d.Y); from += batchSize {
		votes := tensor.New(tensor.WithShape(batchSize, nLF), tensor.WithBacking(d.Votes[from*nLF:(from+batchSize)*nLF]))
		labels, err := squidgomlx.Targets(fs, votes, 1, dtypes.Float32)
		if err != nil {
			return 0, err
		}
		if _, err := trainer.TrainStep(nil, []*tensors.Tensor{batchX(d.X, from)}, labels); err != nil {
			return 0, err
		}
	}
	return testAccuracy(backend, ctx, d)
}

// snippet:end

// testAccuracy runs the trained model on the test set.
func testAccuracy(backend backends.Backend, ctx *context.Context, d task.Data) (float64, error) {
	exec, err := context.NewExecAny(backend, ctx.Reuse(), func(ctx *context.Context, x *Node) *Node {
		return modelFn(ctx, nil, []*Node{x})[0]
	})
	if err != nil {
		return 0, err
	}
	n := len(d.TestY)
	x := make([]float32, len(d.TestX))
	for i, v := range d.TestX {
		x[i] = float32(v)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, n, task.Dim))
	if err != nil {
		return 0, err
	}
	logits := tensors.MustCopyFlatData[float32](out[0])
	l64 := make([]float64, n)
	for i, l := range logits {
		l64[i] = float64(l)
	}
	return task.Accuracy(l64, d.TestY), nil
}
