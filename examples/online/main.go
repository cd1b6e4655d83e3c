// Command online is the tutorial of docs/tutorial-online.md: it trains a
// logistic-regression end model online, one mini-batch at a time, three
// ways (gold labels, FlyingSquid's online loss on labeling-function votes,
// and majority vote of those votes), prints their test accuracy and the
// label model's estimated LF accuracies against the true ones, and plots
// test accuracy against training step.
//
//	go run -tags nocuda ./examples/online [-o docs/online-accuracy.png]
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

const (
	dim       = 20    // features
	nTrain    = 32000 // training rows, seen once, in order (a stream)
	nTest     = 5000
	batchSize = 64
	lr        = 0.5
	evalEvery = 10 // steps
)

// Step 1: a task with real features. Y is -1 or +1; the features are
// Gaussian around Y*mu, independent given Y.
var mu = func() []float64 {
	m := make([]float64, dim)
	for j := range m {
		m[j] = 0.35
		if j >= 12 {
			m[j] = 0.05
		}
	}
	return m
}()

func sample(r *rand.Rand, n int) (x []float64, y []int8) {
	x, y = make([]float64, n*dim), make([]int8, n)
	for i := 0; i < n; i++ {
		y[i] = 1
		if r.Float64() < 0.5 {
			y[i] = -1
		}
		for j := 0; j < dim; j++ {
			x[i*dim+j] = float64(y[i])*mu[j] + r.NormFloat64()
		}
	}
	return x, y
}

// Labeling functions: plain Go functions of the features that vote +1 or
// -1, or abstain with 0. Each looks at its own features, so they are
// independent given Y, which is what the label model assumes.
type lf struct {
	name string
	vote func(x []float64) int8
}

func sign(v float64) int8 {
	if v > 0 {
		return 1
	}
	return -1
}

// threshold votes the sign of v when |v| > c, and abstains otherwise.
func threshold(v, c float64) int8 {
	if math.Abs(v) <= c {
		return 0
	}
	return sign(v)
}

var lfs = []lf{
	{"sum of features 0-3, confident", func(x []float64) int8 { return threshold(x[0]+x[1]+x[2]+x[3], 1.5) }},
	{"feature 4 alone", func(x []float64) int8 { return sign(x[4]) }},
	{"features 5-6, far from 0", func(x []float64) int8 { return threshold(x[5]+x[6], 2) }},
	{"sum of features 7-11", func(x []float64) int8 { return sign(x[7] + x[8] + x[9] + x[10] + x[11]) }},
	{"feature 12 (nearly noise)", func(x []float64) int8 { return sign(x[12]) }},
	{"feature 13 (nearly noise)", func(x []float64) int8 { return threshold(x[13], 0.3) }},
	{"features 14-19, rarely", func(x []float64) int8 { return threshold(x[14]+x[15]+x[16]+x[17]+x[18]+x[19], 4) }},
}

func applyLFs(x []float64, n int) []int8 {
	votes := make([]int8, n*len(lfs))
	for i := 0; i < n; i++ {
		for k, f := range lfs {
			votes[i*len(lfs)+k] = f.vote(x[i*dim : (i+1)*dim])
		}
	}
	return votes
}

// Step 2: the end model, logistic regression, trained by SGD on the
// gradient the loss returns with respect to the logits.
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
	logits := m.logits(x, len(y)).Data().([]float64)
	right := 0
	for i, l := range logits {
		if sign(l) == y[i] {
			right++
		}
	}
	return float64(right) / float64(len(y))
}

// lossFunc is what the three runs differ in: how a batch is scored.
type lossFunc func(logits *tensor.Dense, batch int, votes []int8, gold []int8) (fsloss.Result, error)

func train(x []float64, votes, gold []int8, testX []float64, testY []int8, loss lossFunc) (curve []float64, final float64) {
	m := &logreg{w: make([]float64, dim)}
	for step, from := 0, 0; from+batchSize <= nTrain; step, from = step+1, from+batchSize {
		bx := x[from*dim : (from+batchSize)*dim]
		res, err := loss(m.logits(bx, batchSize), from, votes[from*len(lfs):(from+batchSize)*len(lfs)], gold[from:from+batchSize])
		if err != nil {
			log.Fatal(err)
		}
		m.step(bx, res.Grad.Data().([]float64))
		if step%evalEvery == 0 {
			curve = append(curve, m.accuracy(testX, testY))
		}
	}
	return curve, m.accuracy(testX, testY)
}

func main() {
	out := flag.String("o", "docs/online-accuracy.png", "where to write the plot")
	flag.Parse()
	if _, err := run(*out); err != nil {
		log.Fatal(err)
	}
}

// run trains the three end models, prints the comparison, writes the plot
// to out and returns the final test accuracy of each run.
func run(out string) (map[string]float64, error) {
	r := rand.New(rand.NewPCG(2026, 11))
	x, y := sample(r, nTrain)
	testX, testY := sample(r, nTest)
	votes := applyLFs(x, nTrain)
	m := len(lfs)
	weak := func(v []int8) *tensor.Dense {
		return tensor.New(tensor.WithShape(len(v)/m, m), tensor.WithBacking(v))
	}

	// Run 1: gold labels (what we would do with ground truth).
	goldLoss := func(logits *tensor.Dense, _ int, _ []int8, gold []int8) (fsloss.Result, error) {
		t := make([]float64, len(gold))
		for i, g := range gold {
			t[i] = float64(g+1) / 2
		}
		return fsloss.BCEWithLogits(logits, tensor.New(tensor.WithShape(len(t), 1), tensor.WithBacking(t)), 0)
	}
	// Run 2: FlyingSquid's online loss on the LF votes; no gold labels.
	fs, err := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: m}, BufferCapacity: 10000, UpdateFrequency: 100})
	if err != nil {
		return nil, err
	}
	fsLoss := func(logits *tensor.Dense, _ int, v []int8, _ []int8) (fsloss.Result, error) {
		return fs.Forward(logits, weak(v))
	}
	// Run 3: majority vote of the LF votes.
	mv := fsloss.MajorityVoteLoss{M: m}
	mvLoss := func(logits *tensor.Dense, _ int, v []int8, _ []int8) (fsloss.Result, error) {
		return mv.Forward(logits, weak(v))
	}

	curves := map[string][]float64{}
	final := map[string]float64{}
	for _, run := range []struct {
		name string
		loss lossFunc
	}{{"gold labels", goldLoss}, {"FlyingSquid loss", fsLoss}, {"majority vote", mvLoss}} {
		curves[run.name], final[run.name] = train(x, votes, y, testX, testY, run.loss)
	}

	// Step 3: compare.
	fmt.Printf("test accuracy after %d steps of %d rows:\n", nTrain/batchSize, batchSize)
	for _, name := range []string{"gold labels", "FlyingSquid loss", "majority vote"} {
		fmt.Printf("  %-17s %.4f\n", name, final[name])
	}
	est, err := fs.Model().AccuraciesGivenVote()
	if err != nil {
		return nil, err
	}
	fmt.Println("\nlabeling functions (accuracy when voting; true = measured with the gold labels):")
	fmt.Printf("  %-34s %8s %8s %9s\n", "LF", "coverage", "true", "estimated")
	for k, f := range lfs {
		voted, right := 0, 0
		for i := 0; i < nTrain; i++ {
			if v := votes[i*m+k]; v != 0 {
				voted++
				if v == y[i] {
					right++
				}
			}
		}
		fmt.Printf("  %-34s %8.3f %8.3f %9.3f\n", f.name, float64(voted)/nTrain, float64(right)/float64(voted), est[k])
	}

	// Step 4: the plot.
	if err := plotCurves(out, curves, []string{"gold labels", "FlyingSquid loss", "majority vote"}); err != nil {
		return nil, err
	}
	fmt.Println("\nwrote", out)
	return final, nil
}
