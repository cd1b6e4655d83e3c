// Package synth generates weak-supervision data sets with a known truth:
// gold labels drawn from a class balance and labeling functions that vote
// with chosen accuracies and coverages, independently given the label. It
// feeds squid's demo, tests, benchmarks and tutorials.
package synth

import (
	"fmt"
	"math/rand/v2"
)

// LF describes one synthetic labeling function.
type LF struct {
	// Coverage is P(the LF votes), in [0, 1].
	Coverage float64
	// Accuracy is P(vote = Y | the LF votes), in [0, 1].
	Accuracy float64
	// Task is the index of the task the LF votes on (sequence data).
	Task int
	// CopyProb, when positive, makes the LF dependent: with this
	// probability it repeats the vote (or abstention) of LF CopyFrom, an
	// earlier LF, instead of voting on its own.
	CopyProb float64
	CopyFrom int
}

// Data is a generated data set: Votes is n x m row-major (-1, 0, +1) and
// Y is n x v row-major (-1, +1).
type Data struct {
	N, M, V int
	Votes   []int8
	Y       []int8
}

// Config describes a data set to generate.
type Config struct {
	N   int
	LFs []LF
	// V is the number of tasks (frames of a sequence); 0 means 1.
	V int
	// PPositive is P(Y_0 = +1); 0 means 0.5.
	PPositive float64
	// Stay is P(Y_{t+1} = Y_t) for sequences (a Markov chain); 0 means 0.5
	// (independent frames).
	Stay float64
	// Seed seeds the generator: equal configs give equal data.
	Seed uint64
}

// Generate draws a data set.
func Generate(c Config) (Data, error) {
	v := max(c.V, 1)
	if c.N < 0 || len(c.LFs) == 0 {
		return Data{}, fmt.Errorf("synth: need n >= 0 and at least one LF (n = %d, m = %d)", c.N, len(c.LFs))
	}
	for i, lf := range c.LFs {
		if lf.Coverage < 0 || lf.Coverage > 1 || lf.Accuracy < 0 || lf.Accuracy > 1 || lf.Task < 0 || lf.Task >= v {
			return Data{}, fmt.Errorf("synth: LF %d has coverage %v, accuracy %v, task %d: want probabilities and a task in [0, %d)", i, lf.Coverage, lf.Accuracy, lf.Task, v)
		}
		if lf.CopyProb < 0 || lf.CopyProb > 1 || (lf.CopyProb > 0 && (lf.CopyFrom < 0 || lf.CopyFrom >= i)) {
			return Data{}, fmt.Errorf("synth: LF %d copies LF %d with probability %v: want an earlier LF and a probability", i, lf.CopyFrom, lf.CopyProb)
		}
	}
	pPos, stay := c.PPositive, c.Stay
	if pPos == 0 {
		pPos = 0.5
	}
	if stay == 0 {
		stay = 0.5
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x5eed))
	m := len(c.LFs)
	d := Data{N: c.N, M: m, V: v, Votes: make([]int8, c.N*m), Y: make([]int8, c.N*v)}
	for row := 0; row < c.N; row++ {
		y := d.Y[row*v : (row+1)*v]
		y[0] = -1
		if r.Float64() < pPos {
			y[0] = 1
		}
		for t := 1; t < v; t++ {
			y[t] = y[t-1]
			if r.Float64() >= stay {
				y[t] = -y[t]
			}
		}
		for i, lf := range c.LFs {
			if lf.CopyProb > 0 && r.Float64() < lf.CopyProb {
				d.Votes[row*m+i] = d.Votes[row*m+lf.CopyFrom]
				continue
			}
			if r.Float64() >= lf.Coverage {
				continue
			}
			vote := y[lf.Task]
			if r.Float64() >= lf.Accuracy {
				vote = -vote
			}
			d.Votes[row*m+i] = vote
		}
	}
	return d, nil
}

// JointAccuracy returns P(λ = Y, λ ≠ 0) of an LF, the quantity FlyingSquid
// calls the estimated accuracy.
func (lf LF) JointAccuracy() float64 { return lf.Coverage * lf.Accuracy }

// Spread returns m LFs on one task with accuracies and coverages spread
// evenly over [accLo, accHi] and [covLo, covHi].
func Spread(m int, accLo, accHi, covLo, covHi float64) []LF {
	lfs := make([]LF, m)
	for i := range lfs {
		f := 0.0
		if m > 1 {
			f = float64(i) / float64(m-1)
		}
		lfs[i] = LF{Accuracy: accLo + f*(accHi-accLo), Coverage: covHi - f*(covHi-covLo)}
	}
	return lfs
}

// MulticlassConfig describes a k-class data set: Y uniform over k classes
// (or ClassBalance), and LFs that vote with the given coverage, the true
// class with the given accuracy, and otherwise a uniformly chosen wrong
// class. Votes are class indices, -1 for an abstention.
type MulticlassConfig struct {
	N, K         int
	LFs          []LF
	ClassBalance []float64
	Seed         uint64
}

// GenerateMulticlass draws a k-class data set; Data.Y holds classes 0..k-1.
func GenerateMulticlass(c MulticlassConfig) (Data, error) {
	if c.K < 2 || c.N < 0 || len(c.LFs) == 0 || (c.ClassBalance != nil && len(c.ClassBalance) != c.K) {
		return Data{}, fmt.Errorf("synth: need k >= 2, n >= 0, LFs, and k class probabilities (k = %d, n = %d, m = %d)", c.K, c.N, len(c.LFs))
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x6b))
	m := len(c.LFs)
	d := Data{N: c.N, M: m, V: 1, Votes: make([]int8, c.N*m), Y: make([]int8, c.N)}
	for row := 0; row < c.N; row++ {
		y := r.IntN(c.K)
		if c.ClassBalance != nil {
			u, acc := r.Float64(), 0.0
			for k, p := range c.ClassBalance {
				if acc += p; u < acc {
					y = k
					break
				}
			}
		}
		d.Y[row] = int8(y)
		for i, lf := range c.LFs {
			v := int8(-1)
			if r.Float64() < lf.Coverage {
				v = int8(y)
				if r.Float64() >= lf.Accuracy {
					w := r.IntN(c.K - 1)
					if w >= y {
						w++
					}
					v = int8(w)
				}
			}
			d.Votes[row*m+i] = v
		}
	}
	return d, nil
}
