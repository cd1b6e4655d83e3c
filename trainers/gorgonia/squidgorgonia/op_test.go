package squidgorgonia

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// batches makes n batches of random logits and votes of 5 LFs that agree
// with a hidden label 75% of the time.
func batches(n, rows int, dt tensor.Dtype) (logits, votes []*tensor.Dense) {
	r := rand.New(rand.NewPCG(4, 2))
	for b := 0; b < n; b++ {
		x := make([]float64, rows)
		v := make([]int8, rows*5)
		for i := range x {
			y := int8(1)
			if r.Float64() < 0.4 {
				y = -1
			}
			x[i] = r.NormFloat64() * 2
			for k := 0; k < 5; k++ {
				switch u := r.Float64(); {
				case u < 0.2:
				case u < 0.8:
					v[i*5+k] = y
				default:
					v[i*5+k] = -y
				}
			}
		}
		if dt == tensor.Float32 {
			f := make([]float32, rows)
			for i, xi := range x {
				f[i] = float32(xi)
			}
			logits = append(logits, tensor.New(tensor.WithShape(rows, 1), tensor.WithBacking(f)))
		} else {
			logits = append(logits, tensor.New(tensor.WithShape(rows, 1), tensor.WithBacking(x)))
		}
		votes = append(votes, tensor.New(tensor.WithShape(rows, 5), tensor.WithBacking(v)))
	}
	return logits, votes
}

// The graph's loss is fsloss's Result.Loss exactly, and the gradient that
// Gorgonia's Grad gives for the logits is Result.Grad exactly (scaled by a
// constant on the cost), batch after batch through refits and the end of
// the warm-up: the gradient op runs after the loss op of the same run.
func TestGraphMatchesFsloss(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 200, UpdateFrequency: 10, WarmUp: 50, PosWeight: 1.5}
		inGraph, _ := fsloss.New(cfg)
		twin, _ := fsloss.New(cfg)
		g := gorgonia.NewGraph()
		x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(32, 1), gorgonia.WithName("logits"))
		w := gorgonia.NewMatrix(g, tensor.Int8, gorgonia.WithShape(32, 5), gorgonia.WithName("votes"))
		loss, err := NewLoss(inGraph, x, w)
		if err != nil {
			t.Fatal(err)
		}
		three := gorgonia.NewConstant(gorgonia.NewF64(3))
		if dt == tensor.Float32 {
			three = gorgonia.NewConstant(gorgonia.NewF32(3))
		}
		cost := gorgonia.Must(gorgonia.Mul(loss.Node, three))
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			t.Fatal(err)
		}
		vm := gorgonia.NewTapeMachine(g)
		logits, votes := batches(8, 32, dt)
		for b := range logits {
			gorgonia.Let(x, logits[b])
			gorgonia.Let(w, votes[b])
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			want, err := twin.Forward(logits[b], votes[b])
			if err != nil {
				t.Fatal(err)
			}
			got := loss.Node.Value().Data()
			if f, ok := got.(float32); (ok && f != float32(want.Loss)) || (!ok && got.(float64) != want.Loss) {
				t.Fatalf("%v batch %d: graph loss %v, fsloss %v", dt, b, got, want.Loss)
			}
			if res, ok := loss.Result(); !ok || res.Loss != want.Loss {
				t.Fatalf("%v batch %d: Result() %v, fsloss %v", dt, b, res.Loss, want.Loss)
			}
			gotGrad := grads[0].Value().(*tensor.Dense)
			for i := 0; i < 32; i++ {
				var gv, wv float64
				if dt == tensor.Float32 {
					gv, wv = float64(gotGrad.Data().([]float32)[i]), float64(3*want.Grad.Data().([]float32)[i])
				} else {
					gv, wv = gotGrad.Data().([]float64)[i], 3*want.Grad.Data().([]float64)[i]
				}
				if gv != wv {
					t.Fatalf("%v batch %d row %d: graph gradient %v, 3 x fsloss's %v", dt, b, i, gv, wv)
				}
			}
			vm.Reset()
		}
	}
}

// The gradient node takes the loss node as an input (the only thing that
// orders the two).
func TestGradDependsOnLoss(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 1))
	w := gorgonia.NewMatrix(g, tensor.Int8, gorgonia.WithShape(4, 3))
	fs, _ := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}})
	loss, err := NewLoss(fs, x, w)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(loss.Node, x)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range g.AllNodes() {
		if n.Op() != nil && strings.HasPrefix(n.Op().String(), "squidLossGrad") {
			for it := g.From(n.ID()); it.Next(); {
				found = found || it.Node() == loss.Node
			}
		}
	}
	if !found || grads[0] == nil {
		t.Fatal("no gradient node with the loss node as an input")
	}
}

// Bad input reaches the machine as fsloss's error, not a panic; and bad
// graphs are refused when built.
func TestErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 1))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3))
	fs, _ := fsloss.New(fsloss.Config{Spec: labelmodel.Spec{M: 3}})
	loss, err := NewLoss(fs, x, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gorgonia.Grad(loss.Node, x); err != nil {
		t.Fatal(err)
	}
	vm := gorgonia.NewTapeMachine(g)
	gorgonia.Let(x, tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{1, 2})))
	gorgonia.Let(w, tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 0, -1, 1, 2, 1})))
	if err := vm.RunAll(); err == nil || !strings.Contains(err.Error(), "row 1, column 1 is 2") {
		t.Errorf("bad vote: error %v", err)
	}
	if _, ok := loss.Result(); ok {
		t.Error("a failed run left a result")
	}
	xi := gorgonia.NewMatrix(g, tensor.Int64, gorgonia.WithShape(2, 1))
	if _, err := NewLoss(fs, xi, w); err == nil || !strings.Contains(err.Error(), "float32 or float64") {
		t.Errorf("int64 logits: error %v", err)
	}
	if _, err := NewLoss(nil, x, w); err == nil {
		t.Error("nil loss accepted")
	}
}
