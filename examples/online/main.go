// Command online is the tutorial of docs/tutorial-online.md: it trains a
// logistic-regression end model online, one mini-batch at a time, three
// ways (gold labels, FlyingSquid's online loss on labeling-function votes,
// and majority vote of those votes), for several seeds; it prints their
// test accuracy and the label model's estimated LF accuracies against the
// true ones, and plots test accuracy against training step (mean and range
// over the seeds). The task is package task, shared with the Gorgonia and
// GoMLX trainers in trainers/.
//
//	go run -tags nocuda ./examples/online [-o docs/online-accuracy.png] [-seeds 5]
package main

import (
	"flag"
	"fmt"
	"log"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/examples/online/task"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

const (
	dim       = task.Dim
	batchSize = 64
	lr        = 0.5
	evalEvery = 10 // steps
)

// The end model, logistic regression, trained by SGD on the gradient the
// loss returns with respect to the logits.
type logreg struct {
	w []float64
	b float64
}

func (m *logreg) logits(x []float64, n int) *tensor.Dense {
	out := make([]float64, n)
	for i := range out {
		s := m.b
		for j, wj := range m.w {
			s += wj * x[i*dim+j]
		}
		out[i] = s
	}
	return tensor.New(tensor.WithShape(n, 1), tensor.WithBacking(out))
}

// step applies d loss / d logits (already divided by the batch size).
func (m *logreg) step(x []float64, grad []float64) {
	for i, g := range grad {
		for j := range m.w {
			m.w[j] -= lr * g * x[i*dim+j]
		}
		m.b -= lr * g
	}
}

func (m *logreg) accuracy(x []float64, y []int8) float64 {
	return task.Accuracy(m.logits(x, len(y)).Data().([]float64), y)
}

// lossFunc is what the three runs differ in: how a batch is scored.
type lossFunc func(logits *tensor.Dense, votes *tensor.Dense, gold []int8) (fsloss.Result, error)

// snippet:online-loop
// train is the training loop: one pass over the stream, in order; each
// batch is scored once by the loss, and the model steps on the gradient.
func train(d task.Data, loss lossFunc) (curve []float64, final float64, err error) {
	m, nLF := &logreg{w: make([]float64, dim)}, len(task.LFs)
	for step, from := 0, 0; from+batchSize <= len(d.Y); step, from = step+1, from+batchSize {
		x := d.X[from*dim : (from+batchSize)*dim]
		votes := tensor.New(tensor.WithShape(batchSize, nLF), tensor.WithBacking(d.Votes[from*nLF:(from+batchSize)*nLF]))
		res, err := loss(m.logits(x, batchSize), votes, d.Y[from:from+batchSize])
		if err != nil {
			return nil, 0, err
		}
		m.step(x, res.Grad.Data().([]float64))
		if step%evalEvery == 0 {
			curve = append(curve, m.accuracy(d.TestX, d.TestY))
		}
	}
	return curve, m.accuracy(d.TestX, d.TestY), nil
}

// snippet:end

func main() {
	out := flag.String("o", "docs/online-accuracy.png", "where to write the plot")
	seeds := flag.Int("seeds", 5, "number of seeds (data and initial weights)")
	flag.Parse()
	if _, err := run(*out, *seeds); err != nil {
		log.Fatal(err)
	}
}

// names of the three runs, in the order they are printed and plotted.
var names = []string{"gold labels", "FlyingSquid loss", "majority vote"}

// run trains the three end models for each seed (2026, 2027, ...), prints
// the comparison, writes the plot to out and returns the final test
// accuracies of each run, one per seed.
func run(out string, seeds int) (map[string][]float64, error) {
	curves := map[string][][]float64{}
	final := map[string][]float64{}
	var first *fsloss.Loss
	var firstData task.Data
	fmt.Printf("test accuracy after %d steps of %d rows:\n", task.NTrain/batchSize, batchSize)
	fmt.Printf("  %-6s %12s %17s %14s\n", "seed", names[0], names[1], names[2])
	for s := 0; s < seeds; s++ {
		d := task.Generate(uint64(2026+s), task.NTrain, task.NTest)
		// snippet:online-losses
		// Gold labels: BCE-with-logits against the true labels.
		goldLoss := func(logits, _ *tensor.Dense, gold []int8) (fsloss.Result, error) {
			targets := tensor.New(tensor.WithShape(len(gold), 1), tensor.WithBacking(task.GoldTargets(gold)))
			return fsloss.BCEWithLogits(logits, targets, 0)
		}
		// FlyingSquid: the same loop, the loss made from the LFs' votes.
		fs, err := fsloss.New(fsloss.Config{
			Spec:            labelmodel.Spec{M: len(task.LFs)}, // 7 LFs on one task
			BufferCapacity:  10000,                             // fit on the last 10,000 rows
			UpdateFrequency: 100,                               // refit every 100 rows
		}) // the first fit waits for 100 rows (WarmUp's default)
		if err != nil {
			return nil, err
		}
		fsLoss := func(logits, votes *tensor.Dense, _ []int8) (fsloss.Result, error) {
			return fs.Forward(logits, votes)
		}
		// snippet:end
		mv := fsloss.MajorityVoteLoss{M: len(task.LFs)}
		mvLoss := func(logits, votes *tensor.Dense, _ []int8) (fsloss.Result, error) {
			return mv.Forward(logits, votes)
		}
		fmt.Printf("  %-6d", 2026+s)
		for k, loss := range []lossFunc{goldLoss, fsLoss, mvLoss} {
			curve, acc, err := train(d, loss)
			if err != nil {
				return nil, err
			}
			curves[names[k]] = append(curves[names[k]], curve)
			final[names[k]] = append(final[names[k]], acc)
			fmt.Printf(" %*.4f", []int{12, 17, 14}[k], acc)
		}
		fmt.Println()
		if s == 0 {
			first, firstData = fs, d
		}
	}
	fmt.Printf("  %-6s", "mean")
	for k, name := range names {
		fmt.Printf(" %*.4f", []int{12, 17, 14}[k], mean(final[name]))
	}
	fmt.Println()
	if err := printLFs(first, firstData); err != nil {
		return nil, err
	}
	if err := plotCurves(out, curves, names); err != nil {
		return nil, err
	}
	fmt.Println("\nwrote", out)
	return final, nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// printLFs prints each LF's coverage, its true accuracy (measured with the
// gold labels) and the label model's estimate at the end of the stream.
func printLFs(fs *fsloss.Loss, d task.Data) error {
	est, err := fs.Model().AccuraciesGivenVote()
	if err != nil {
		return err
	}
	m, n := len(task.LFs), len(d.Y)
	fmt.Println("\nlabeling functions, first seed (accuracy when voting; true = measured with the gold labels):")
	fmt.Printf("  %-34s %8s %8s %9s\n", "LF", "coverage", "true", "estimated")
	for k, f := range task.LFs {
		voted, right := 0, 0
		for i := 0; i < n; i++ {
			if v := d.Votes[i*m+k]; v != 0 {
				voted++
				if v == d.Y[i] {
					right++
				}
			}
		}
		fmt.Printf("  %-34s %8.3f %8.3f %9.3f\n", f.Name, float64(voted)/float64(n), float64(right)/float64(voted), est[k])
	}
	return nil
}
