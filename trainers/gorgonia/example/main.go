// Command example trains a small Gorgonia MLP on the tutorial's task
// (docs/tutorial-online.md) three ways, one pass over the stream in
// mini-batches: on gold labels with Gorgonia's own BCE-with-logits, on the
// labeling functions' votes with squid's loss as a graph node, and on their
// majority vote; it prints the test accuracy of each for several seeds.
//
//	cd trainers/gorgonia && go run ./example [-seeds 5]
package main

import (
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/examples/online/task"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/trainers/gorgonia/squidgorgonia"
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
	return task.RunSeeds(seeds, nTrain, func(d task.Data, seed uint64) (a task.Accuracies, err error) {
		if a.Gold, err = trainGold(d, seed); err != nil {
			return a, err
		}
		fs, err := task.NewLoss()
		if err != nil {
			return a, err
		}
		if a.Squid, err = trainSquid(d, seed, fs); err != nil {
			return a, err
		}
		a.Majority, err = trainSquid(d, seed, fsloss.MajorityVoteLoss{M: len(task.LFs)})
		return a, err
	})
}

// snippet:gorgonia-gold
// trainGold: the cost is Gorgonia's BCE-with-logits against the gold
// labels, softplus(x) - y·x averaged over the batch; y is fed per batch.
func trainGold(d task.Data, seed uint64) (float64, error) {
	m := newMLP(seed)
	y := gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithShape(batchSize, 1), gorgonia.WithName("y"))
	bce := gorgonia.Must(gorgonia.Sub(gorgonia.Must(gorgonia.Softplus(m.logits)), gorgonia.Must(gorgonia.HadamardProd(y, m.logits))))
	cost := gorgonia.Must(gorgonia.Mean(bce))
	return m.train(d, cost, func(from int) error {
		return gorgonia.Let(y, tensor.New(tensor.WithShape(batchSize, 1), tensor.WithBacking(task.GoldTargets(d.Y[from:from+batchSize]))))
	})
}

// snippet:end

// snippet:gorgonia-squid
// trainSquid: the cost is squid's loss node on the LFs' votes, fed per
// batch instead of gold labels; loss is an *fsloss.Loss (or the
// majority-vote baseline).
func trainSquid(d task.Data, seed uint64, loss squidgorgonia.Forwarder) (float64, error) {
	m := newMLP(seed)
	nLF := len(task.LFs)
	votes := gorgonia.NewMatrix(m.g, tensor.Int8, gorgonia.WithShape(batchSize, nLF), gorgonia.WithName("votes"))
	cost, err := squidgorgonia.NewLoss(loss, m.logits, votes)
	if err != nil {
		return 0, err
	}
	return m.train(d, cost.Node, func(from int) error {
		return gorgonia.Let(votes, tensor.New(tensor.WithShape(batchSize, nLF), tensor.WithBacking(d.Votes[from*nLF:(from+batchSize)*nLF])))
	})
}

// snippet:end

// snippet:gorgonia-loop
// train is the loop both share: one pass over the stream in order, each
// batch through the graph once (forward, backward), then an Adam step.
func (m *mlp) train(d task.Data, cost *gorgonia.Node, feed func(from int) error) (float64, error) {
	if _, err := gorgonia.Grad(cost, m.learnables...); err != nil {
		return 0, err
	}
	vm := gorgonia.NewTapeMachine(m.g, gorgonia.BindDualValues(m.learnables...))
	defer vm.Close()
	solver := gorgonia.NewAdamSolver(gorgonia.WithLearnRate(lr))
	for from := 0; from+batchSize <= len(d.Y); from += batchSize {
		x := tensor.New(tensor.WithShape(batchSize, task.Dim), tensor.WithBacking(d.X[from*task.Dim:(from+batchSize)*task.Dim]))
		if err := gorgonia.Let(m.x, x); err != nil {
			return 0, err
		}
		if err := feed(from); err != nil {
			return 0, err
		}
		if err := vm.RunAll(); err != nil {
			return 0, err
		}
		if err := solver.Step(gorgonia.NodesToValueGrads(m.learnables)); err != nil {
			return 0, err
		}
		vm.Reset()
	}
	return task.Accuracy(m.predict(d.TestX), d.TestY), nil
}

// snippet:end
