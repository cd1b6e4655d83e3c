//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
)

// Result is one batch's loss computed on the GPU, with the fields and
// shapes of fsloss.Result; the tensors stay in device memory. Free
// releases them: a Loss's results go back to the Loss, whose later steps
// reuse that memory (a result not freed is never overwritten, it only
// makes the next step allocate). Unlike cuMemFree, handing a result back
// does not wait for the GPU: free it once the work that reads it has
// finished, or is queued on the default stream, which the loss's stream
// waits for.
type Result struct {
	// Loss is the batch loss (the mean of the rows' losses).
	Loss float64
	// Grad is d Loss / d logits, with the logits' shape and dtype.
	Grad *Buffer
	// Labels are the probabilistic labels P(Y = +1), float64, batch x 1.
	Labels *Buffer
	// RowLoss is each row's loss, float64, of length batch.
	RowLoss *Buffer
}

// Free releases the result's device buffers (to their Loss, for reuse,
// when a Loss made them).
func (r Result) Free() error {
	return errors.Join(r.Grad.Free(), r.Labels.Free(), r.RowLoss.Free())
}

// FusedBCE runs the fused loss kernel over device logits (batch or batch x
// 1, float32 or float64): for every row it makes the probabilistic label
// P(Y=+1 | votes) from the per-LF log-odds table (labelmodel's
// Model.LogOddsTable), then BCE-with-logits with positive weight pw and
// its gradient, and reduces the batch mean on the device, in one launch.
// A Loss does the same step after step with buffers it keeps; this call
// allocates its own.
func (d *Device) FusedBCE(table []float64, votes []int8, m int, logits *Buffer, pw float64) (Result, error) {
	if err := checkLogits(logits); err != nil {
		return Result{}, err
	}
	batch := logits.shape.TotalSize()
	if m <= 0 || len(votes) != batch*m || len(table) != cpu.LogOddsLen(m) {
		return Result{}, fmt.Errorf("cuda: FusedBCE: %d votes and a table of %d for %d logits and m = %d", len(votes), len(table), batch, m)
	}
	return d.scoreOnce(votes, m, logits, pw, []fsloss.Segment{{From: 0, To: batch, LogOdds: table}})
}

// scoreOnce scores one batch by segments with a stepper of its own, which
// it closes: the outputs are then ordinary buffers, freed by Free.
func (d *Device) scoreOnce(votes []int8, m int, logits *Buffer, pw float64, segs []fsloss.Segment) (Result, error) {
	p, err := planSegments(segs, votes, logits.shape.TotalSize(), m)
	if err != nil {
		return Result{}, err
	}
	s := &stepper{d: d}
	res, err := s.run(p, logits, pw)
	if cerr := s.close(); cerr != nil && err == nil {
		return Result{}, errors.Join(cerr, res.Free())
	}
	return res, err
}

// checkLogits accepts live float32 or float64 buffers of shape (batch) or
// (batch, 1).
func checkLogits(logits *Buffer) error {
	if logits == nil || logits.ptr == 0 {
		return errors.New("cuda: logits: a nil or freed buffer")
	}
	if logits.dt != tensor.Float32 && logits.dt != tensor.Float64 {
		return fmt.Errorf("cuda: logits dtype %v, want float32 or float64", logits.dt)
	}
	if s := logits.shape; len(s) == 0 || len(s) > 2 || (len(s) == 2 && s[1] != 1) {
		return fmt.Errorf("cuda: logits shape %v, want (batch) or (batch, 1)", logits.shape)
	}
	return nil
}
