// Command sequence is the tutorial's sequence example, after FlyingSquid's
// video tutorial: each data point is a clip of v = 3 frames whose labels
// form a Markov chain (a frame usually has its neighbour's label), four
// labeling functions look at each frame, and the label model links the
// frames' tasks with chain edges. An end model that scores each frame is
// trained online with FSLoss, with majority vote, and with gold labels.
//
//	go run -tags nocuda ./examples/sequence
package main

import (
	"fmt"
	"log"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

const (
	frames, dim, perFrame = 3, 8, 4
	nTrain, nTest         = 20000, 4000
	batchSize, lr         = 32, 0.5
	stay                  = 0.8 // P(Y_{t+1} = Y_t)
)

// clip draws n clips: labels (n x frames) and features (n x frames x dim).
func clips(r *rand.Rand, n int) (x []float64, y []int8) {
	x, y = make([]float64, n*frames*dim), make([]int8, n*frames)
	for i := 0; i < n; i++ {
		for t := 0; t < frames; t++ {
			label := int8(-1)
			if t == 0 && r.Float64() < 0.5 {
				label = 1
			}
			if t > 0 {
				label = y[i*frames+t-1]
				if r.Float64() >= stay {
					label = -label
				}
			}
			y[i*frames+t] = label
			for j := 0; j < dim; j++ {
				x[(i*frames+t)*dim+j] = float64(y[i*frames+t])*0.4 + r.NormFloat64()
			}
		}
	}
	return x, y
}

// The four LFs of a frame, each on its own features.
var lfs = []func(f []float64) int8{
	func(f []float64) int8 { return vote(f[0]+f[1], 0.8) },
	func(f []float64) int8 { return vote(f[2], 0) },
	func(f []float64) int8 { return vote(f[3]+f[4]+f[5], 1.5) },
	func(f []float64) int8 { return vote(f[6]+f[7], 0.2) },
}

func vote(v, c float64) int8 {
	switch {
	case v > c:
		return 1
	case v < -c:
		return -1
	}
	return 0
}

func main() {
	r := rand.New(rand.NewPCG(3, 3))
	x, y := clips(r, nTrain)
	tx, ty := clips(r, nTest)
	m := frames * perFrame
	votes := make([]int8, nTrain*m)
	spec := labelmodel.Spec{M: m, V: frames, TaskEdges: [][2]int{{0, 1}, {1, 2}}}
	taskOf := make([]int, m)
	for t := 0; t < frames; t++ {
		for k := 0; k < perFrame; k++ {
			i := t*perFrame + k // LF i votes on frame i / perFrame
			taskOf[i] = t
			spec.LFTaskEdges = append(spec.LFTaskEdges, [2]int{i, t})
		}
	}
	for c := 0; c < nTrain; c++ {
		for i := 0; i < m; i++ {
			t := taskOf[i]
			votes[c*m+i] = lfs[i%perFrame](x[(c*frames+t)*dim : (c*frames+t+1)*dim])
		}
	}

	fs, err := fsloss.New(fsloss.Config{Spec: spec, BufferCapacity: 5000, UpdateFrequency: 100})
	if err != nil {
		log.Fatal(err)
	}
	mv := fsloss.MajorityVoteLoss{M: m, TaskOf: taskOf}
	runs := []struct {
		name string
		loss func(logits *tensor.Dense, from int) (fsloss.Result, error)
	}{
		{"gold labels", func(logits *tensor.Dense, from int) (fsloss.Result, error) {
			t := make([]float64, batchSize*frames)
			for k := range t {
				t[k] = float64(y[from*frames+k]+1) / 2
			}
			return fsloss.BCEWithLogits(logits, tensor.New(tensor.WithShape(batchSize, frames), tensor.WithBacking(t)), 0)
		}},
		{"FlyingSquid loss", func(logits *tensor.Dense, from int) (fsloss.Result, error) {
			return fs.Forward(logits, weak(votes, from, m))
		}},
		{"majority vote", func(logits *tensor.Dense, from int) (fsloss.Result, error) {
			return mv.Forward(logits, weak(votes, from, m))
		}},
	}
	fmt.Printf("per-frame test accuracy, %d clips of %d frames:\n", nTrain, frames)
	for _, run := range runs {
		w := make([]float64, dim+1) // one logistic model scores every frame
		for from := 0; from+batchSize <= nTrain; from += batchSize {
			bx := x[from*frames*dim : (from+batchSize)*frames*dim]
			res, err := run.loss(logitsOf(w, bx, batchSize*frames), from)
			if err != nil {
				log.Fatal(err)
			}
			for k, g := range res.Grad.Data().([]float64) {
				for j := 0; j < dim; j++ {
					w[j] -= lr * g * bx[k*dim+j]
				}
				w[dim] -= lr * g
			}
		}
		right := 0
		for k, l := range logitsOf(w, tx, nTest*frames).Data().([]float64) {
			if (l > 0) == (ty[k] > 0) {
				right++
			}
		}
		fmt.Printf("  %-17s %.4f\n", run.name, float64(right)/float64(nTest*frames))
	}
	acc, _ := fs.Model().AccuraciesGivenVote()
	fmt.Print("\nestimated LF accuracies (frame 0):")
	for _, a := range acc[:perFrame] {
		fmt.Printf(" %.3f", a)
	}
	fmt.Println()
}

func weak(votes []int8, from, m int) *tensor.Dense {
	return tensor.New(tensor.WithShape(batchSize, m), tensor.WithBacking(votes[from*m:(from+batchSize)*m]))
}

// logitsOf scores n frames (row-major features) as (n/frames, frames).
func logitsOf(w, x []float64, n int) *tensor.Dense {
	out := make([]float64, n)
	for k := range out {
		s := w[dim]
		for j := 0; j < dim; j++ {
			s += w[j] * x[k*dim+j]
		}
		out[k] = s
	}
	return tensor.New(tensor.WithShape(n/frames, frames), tensor.WithBacking(out))
}
