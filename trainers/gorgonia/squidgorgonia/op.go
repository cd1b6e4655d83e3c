// Package squidgorgonia puts squid's online FlyingSquid loss (package
// fsloss) into a Gorgonia ExprGraph as a node, so that a Gorgonia model
// trains on labeling functions' votes exactly as it would on gold labels:
// replace the cost node, keep the rest of the loop.
//
// The node's op runs the fsloss loss in Do (buffering the batch's votes,
// refitting the label model, labelling and scoring), and its gradient op,
// built by Gorgonia's symbolic differentiation (Grad), hands back the
// gradient fsloss computed, so pos-weight, clamping and the warm-up stay
// squid's. The gradient op takes the loss node as an input: that edge is
// what makes the machine run it after the loss (nothing else orders them).
//
// Build tags: squid's core turns its own CUDA path off with nocuda, and
// Gorgonia turns its CUDA path on with cuda; the op itself runs on the CPU
// (Do), so every combination builds, and a Gorgonia CUDA build copies the
// logits to the host for this node (see the module's README).
package squidgorgonia

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
)

// Forwarder is a loss of package fsloss: *fsloss.Loss (the FlyingSquid
// loss), fsloss.MajorityVoteLoss or *fsloss.MulticlassLoss.
type Forwarder interface {
	Forward(logits, weakLabels *tensor.Dense) (fsloss.Result, error)
}

// Loss is a loss node of an ExprGraph and the fsloss result of its latest
// run.
type Loss struct {
	// Node is the scalar loss, the cost to differentiate with
	// gorgonia.Grad; its dtype is the logits' dtype.
	Node  *gorgonia.Node
	state *state
}

// state is what the loss op and its gradient op share: the result of the
// latest Do.
type state struct {
	loss Forwarder
	last *fsloss.Result
}

// Result returns the fsloss result of the latest run of the graph (loss,
// gradient, probabilistic labels, row losses); ok is false before the
// first run.
func (l *Loss) Result() (res fsloss.Result, ok bool) {
	if l.state.last == nil {
		return fsloss.Result{}, false
	}
	return *l.state.last, true
}

// NewLoss adds loss's node to the graph of logits: logits is a (batch, v)
// float32 or float64 matrix, weakLabels a (batch, m) matrix of the LFs'
// votes (-1, 0, +1) of any dtype fsloss reads. Each run of the graph must
// see a new batch: the loss buffers every batch it scores (see
// fsloss.Loss.Forward).
func NewLoss(loss Forwarder, logits, weakLabels *gorgonia.Node) (*Loss, error) {
	if loss == nil || logits == nil || weakLabels == nil {
		return nil, fmt.Errorf("squidgorgonia: the loss, the logits and the weak labels are all needed")
	}
	if dt := logits.Dtype(); dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("squidgorgonia: logits have dtype %v, want float32 or float64", dt)
	}
	if logits.Dims() != 2 || weakLabels.Dims() != 2 {
		return nil, fmt.Errorf("squidgorgonia: logits (%v) and weak labels (%v) must be matrices", logits.Shape(), weakLabels.Shape())
	}
	st := &state{loss: loss}
	n, err := gorgonia.ApplyOp(&lossOp{st: st, dt: logits.Dtype()}, logits, weakLabels)
	if err != nil {
		return nil, fmt.Errorf("squidgorgonia: %w", err)
	}
	return &Loss{Node: n, state: st}, nil
}

// lossOp :: Tensor a → Tensor b → a, the loss of the logits against the
// labels fsloss makes from the votes.
type lossOp struct {
	st *state
	dt tensor.Dtype // the logits' dtype, the loss's
}

func (op *lossOp) Arity() int { return 2 }

func (op *lossOp) Type() hm.Type {
	// Not 'b': Gorgonia's type inference names the return type 'b'.
	a, v := hm.TypeVariable('a'), hm.TypeVariable('v')
	return hm.NewFnType(gorgonia.TensorType{Dims: 2, Of: a}, gorgonia.TensorType{Dims: 2, Of: v}, a)
}

func (op *lossOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// Do runs the fsloss loss on the batch and keeps its result for the
// gradient op.
func (op *lossOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("squidgorgonia: the loss op takes 2 inputs, got %d", len(inputs))
	}
	logits, ok1 := inputs[0].(*tensor.Dense)
	votes, ok2 := inputs[1].(*tensor.Dense)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("squidgorgonia: the loss op needs dense tensors, got %T and %T", inputs[0], inputs[1])
	}
	res, err := op.st.loss.Forward(logits, votes)
	if err != nil {
		return nil, err
	}
	op.st.last = &res
	if op.dt == tensor.Float32 {
		return gorgonia.NewF32(float32(res.Loss)), nil
	}
	return gorgonia.NewF64(res.Loss), nil
}

func (op *lossOp) ReturnsPtr() bool     { return false }
func (op *lossOp) CallsExtern() bool    { return false }
func (op *lossOp) OverwritesInput() int { return -1 }

// WriteHash makes every loss op distinct (it has state), so that the graph
// never merges two of them.
func (op *lossOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "squidLoss(%p)", op.st) }

func (op *lossOp) Hashcode() uint32 { return hashOf(op) }

func (op *lossOp) String() string { return "squidLoss" }

// DiffWRT: differentiable in the logits, not in the votes.
func (op *lossOp) DiffWRT(inputs int) []bool { return []bool{true, false} }

// SymDiff returns the gradient node: fsloss's gradient times the incoming
// gradient, computed after the loss node, which is its input.
func (op *lossOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("squidgorgonia: the loss op takes 2 inputs, got %d", len(inputs))
	}
	d, err := gorgonia.ApplyOp(&gradOp{st: op.st, dt: op.dt}, inputs[0], output, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{d, nil}, nil
}

func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
