package task

import (
	"flag"
	"fmt"
	"log"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// Accuracies are the test accuracies of one seed's three runs.
type Accuracies struct {
	Seed                  uint64
	Gold, Squid, Majority float64
}

// Check holds a seed to the tutorial's bar: squid's loss within 2 points of
// gold labels and at least 5 points above majority vote.
func (a Accuracies) Check() error {
	if a.Gold-a.Squid > 0.02 || a.Squid-a.Majority < 0.05 {
		return fmt.Errorf("seed %d: gold %.4f, squid %.4f, majority %.4f: want squid within 0.02 of gold and 0.05 above majority",
			a.Seed, a.Gold, a.Squid, a.Majority)
	}
	return nil
}

// NewLoss returns the tutorial's FlyingSquid loss: the 7 LFs on one task,
// fitted on the last 10,000 rows, refitted every 100 rows.
func NewLoss() (*fsloss.Loss, error) {
	return fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: len(LFs)}, BufferCapacity: 10000, UpdateFrequency: 100})
}

// RunSeeds draws the task for seeds 2026, 2027, ... (nTrain training rows),
// has train train the three models on each, and prints the table.
func RunSeeds(seeds, nTrain int, train func(d Data, seed uint64) (Accuracies, error)) ([]Accuracies, error) {
	var out []Accuracies
	fmt.Println("seed   gold   squid  majority")
	for s := 0; s < seeds; s++ {
		seed := uint64(2026 + s)
		a, err := train(Generate(seed, nTrain, NTest), seed)
		if err != nil {
			return nil, err
		}
		a.Seed = seed
		fmt.Printf("%d  %.4f  %.4f  %.4f\n", seed, a.Gold, a.Squid, a.Majority)
		out = append(out, a)
	}
	return out, nil
}

// The small MLP the trainer examples (trainers/gorgonia, trainers/gomlx)
// train on the task: batch size, hidden width and default learning rate.
const (
	MLPBatch  = 64
	MLPHidden = 16
	MLPRate   = 0.003
)

// Main is a trainer example's main: it parses -lr (into lr, default
// MLPRate) and -seeds, runs run on NTrain rows and exits on error.
func Main(lr *float64, run func(seeds, nTrain int) ([]Accuracies, error)) {
	flag.Float64Var(lr, "lr", MLPRate, "learning rate")
	seeds := flag.Int("seeds", 5, "number of seeds (data and initial weights)")
	flag.Parse()
	if _, err := run(*seeds, NTrain); err != nil {
		log.Fatal(err)
	}
}
