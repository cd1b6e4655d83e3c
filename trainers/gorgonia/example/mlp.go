package main

import (
	"math"
	"math/rand/v2"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/examples/online/task"
)

// mlp is the end model, task.Dim -> hidden (ReLU) -> 1 logit, as a Gorgonia
// graph over one mini-batch.
type mlp struct {
	g          *gorgonia.ExprGraph
	x, logits  *gorgonia.Node
	w1, b1     *gorgonia.Node
	w2, b2     *gorgonia.Node
	learnables gorgonia.Nodes
}

// newMLP builds the graph with weights drawn from seed (Glorot uniform).
func newMLP(seed uint64) *mlp {
	r := rand.New(rand.NewPCG(seed, 7))
	glorot := func(in, out int) *tensor.Dense {
		lim := math.Sqrt(6 / float64(in+out))
		w := make([]float64, in*out)
		for i := range w {
			w[i] = (2*r.Float64() - 1) * lim
		}
		return tensor.New(tensor.WithShape(in, out), tensor.WithBacking(w))
	}
	m := &mlp{g: gorgonia.NewGraph()}
	m.x = gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithShape(batchSize, task.Dim), gorgonia.WithName("x"))
	m.w1 = gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithName("w1"), gorgonia.WithValue(glorot(task.Dim, hidden)))
	m.b1 = gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithName("b1"), gorgonia.WithShape(1, hidden), gorgonia.WithInit(gorgonia.Zeroes()))
	m.w2 = gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithName("w2"), gorgonia.WithValue(glorot(hidden, 1)))
	m.b2 = gorgonia.NewMatrix(m.g, tensor.Float64, gorgonia.WithName("b2"), gorgonia.WithShape(1, 1), gorgonia.WithInit(gorgonia.Zeroes()))
	h := gorgonia.Must(gorgonia.Rectify(gorgonia.Must(gorgonia.BroadcastAdd(gorgonia.Must(gorgonia.Mul(m.x, m.w1)), m.b1, nil, []byte{0}))))
	m.logits = gorgonia.Must(gorgonia.BroadcastAdd(gorgonia.Must(gorgonia.Mul(h, m.w2)), m.b2, nil, []byte{0}))
	m.learnables = gorgonia.Nodes{m.w1, m.b1, m.w2, m.b2}
	return m
}

// predict returns the logits of n rows of x, computed in Go from the
// learned weights.
func (m *mlp) predict(x []float64) []float64 {
	w1 := m.w1.Value().Data().([]float64)
	b1 := m.b1.Value().Data().([]float64)
	w2 := m.w2.Value().Data().([]float64)
	b2 := m.b2.Value().Data().([]float64)[0]
	n := len(x) / task.Dim
	out := make([]float64, n)
	h := make([]float64, hidden)
	for i := range out {
		copy(h, b1)
		for j := 0; j < task.Dim; j++ {
			for k := range h {
				h[k] += x[i*task.Dim+j] * w1[j*hidden+k]
			}
		}
		out[i] = b2
		for k, hk := range h {
			out[i] += max(hk, 0) * w2[k]
		}
	}
	return out
}
