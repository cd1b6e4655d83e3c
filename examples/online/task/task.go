// Package task is the weak-supervision task of the online-training
// tutorial (docs/tutorial-online.md), shared by its three trainers: the
// framework-free one in examples/online and the Gorgonia and GoMLX ones in
// trainers/. Each row has a label Y (-1 or +1, half and half) and Dim
// Gaussian features centred on Y·mu; seven labeling functions vote on the
// features.
package task

import (
	"math"
	"math/rand/v2"
)

// Dim is the number of features of a row.
const Dim = 20

// Sizes of the tutorial's data: a stream of training rows seen once, in
// order, and a held-out test set.
const (
	NTrain = 32000
	NTest  = 5000
)

// mu is the class mean: the first twelve features carry signal (0.35), the
// last eight almost none (0.05).
var mu = func() []float64 {
	m := make([]float64, Dim)
	for j := range m {
		m[j] = 0.35
		if j >= 12 {
			m[j] = 0.05
		}
	}
	return m
}()

// Sample draws n rows: features x (n x Dim, row-major) and labels y.
func Sample(r *rand.Rand, n int) (x []float64, y []int8) {
	x, y = make([]float64, n*Dim), make([]int8, n)
	for i := 0; i < n; i++ {
		y[i] = 1
		if r.Float64() < 0.5 {
			y[i] = -1
		}
		for j := 0; j < Dim; j++ {
			x[i*Dim+j] = float64(y[i])*mu[j] + r.NormFloat64()
		}
	}
	return x, y
}

// An LF is a labeling function: a plain Go function of a row's features
// that votes +1 or -1, or abstains with 0.
type LF struct {
	Name string
	Vote func(x []float64) int8
}

// Sign is +1 for v > 0 and -1 otherwise.
func Sign(v float64) int8 {
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
	return Sign(v)
}

// snippet:lfs
// LFs are the tutorial's labeling functions. Each reads its own features,
// so they are independent given Y, the label model's default assumption.
var LFs = []LF{
	{"sum of features 0-3, confident", func(x []float64) int8 { return threshold(x[0]+x[1]+x[2]+x[3], 1.5) }},
	{"feature 4 alone", func(x []float64) int8 { return Sign(x[4]) }},
	{"features 5-6, far from 0", func(x []float64) int8 { return threshold(x[5]+x[6], 2) }},
	{"sum of features 7-11", func(x []float64) int8 { return Sign(x[7] + x[8] + x[9] + x[10] + x[11]) }},
	{"feature 12 (nearly noise)", func(x []float64) int8 { return Sign(x[12]) }},
	{"feature 13 (nearly noise)", func(x []float64) int8 { return threshold(x[13], 0.3) }},
	{"features 14-19, rarely", func(x []float64) int8 { return threshold(x[14]+x[15]+x[16]+x[17]+x[18]+x[19], 4) }},
}

// snippet:end

// ApplyLFs returns the votes of every LF on n rows (n x len(LFs)).
func ApplyLFs(x []float64, n int) []int8 {
	votes := make([]int8, n*len(LFs))
	for i := 0; i < n; i++ {
		for k, f := range LFs {
			votes[i*len(LFs)+k] = f.Vote(x[i*Dim : (i+1)*Dim])
		}
	}
	return votes
}

// Data is one draw of the task: the training stream with its LF votes and
// gold labels, and the test set.
type Data struct {
	X, TestX []float64
	Y, TestY []int8
	Votes    []int8
}

// Generate draws the training stream (nTrain rows) and the test set
// (nTest rows) from seed; the tutorial's figures use seed 2026.
func Generate(seed uint64, nTrain, nTest int) Data {
	r := rand.New(rand.NewPCG(seed, 11))
	var d Data
	d.X, d.Y = Sample(r, nTrain)
	d.TestX, d.TestY = Sample(r, nTest)
	d.Votes = ApplyLFs(d.X, nTrain)
	return d
}

// GoldTargets are the gold labels of y as BCE targets (1 for +1, 0 for -1).
func GoldTargets(y []int8) []float64 {
	t := make([]float64, len(y))
	for i, g := range y {
		t[i] = float64(g+1) / 2
	}
	return t
}

// Accuracy is the fraction of rows whose logit has the sign of the label.
func Accuracy(logits []float64, y []int8) float64 {
	right := 0
	for i, l := range logits {
		if Sign(l) == y[i] {
			right++
		}
	}
	return float64(right) / float64(len(y))
}
