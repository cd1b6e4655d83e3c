//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"unsafe"

	"gorgonia.org/cu"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
)

// Result is one batch's loss computed on the GPU, with the fields and
// shapes of fsloss.Result; the tensors stay in device memory. Free
// releases them.
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

// Free releases the result's device buffers.
func (r Result) Free() error {
	return errors.Join(r.Grad.Free(), r.Labels.Free(), r.RowLoss.Free())
}

// FusedBCE runs the fused loss kernel over device logits (batch or batch x
// 1, float32 or float64): for every row it makes the probabilistic label
// P(Y=+1 | votes) from the per-LF log-odds table (labelmodel's
// Model.LogOddsTable), then BCE-with-logits with positive weight pw and
// its gradient, and reduces the batch mean on the device, in one pass.
func (d *Device) FusedBCE(table []float64, votes []int8, m int, logits *Buffer, pw float64) (Result, error) {
	if err := checkLogits(logits); err != nil {
		return Result{}, err
	}
	batch := logits.shape.TotalSize()
	if m <= 0 || len(votes) != batch*m || len(table) != 3*m+1 {
		return Result{}, fmt.Errorf("cuda: FusedBCE: %d votes and a table of %d for %d logits and m = %d", len(votes), len(table), batch, m)
	}
	return d.score(votes, m, logits, pw, []fsloss.Segment{{From: 0, To: batch, LogOdds: table}})
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

// score runs the scoring kernels over the row segments of one batch: the
// fused kernel where a segment has a log-odds table, the kernel against
// given labels otherwise; all add to one batch mean on the device. On
// error it frees everything it allocated and returns a zero Result.
func (d *Device) score(votes []int8, m int, logits *Buffer, pw float64, segs []fsloss.Segment) (Result, error) {
	batch := logits.shape.TotalSize()
	res := Result{
		Labels:  &Buffer{d: d, shape: tensor.Shape{batch, 1}, dt: tensor.Float64},
		Grad:    &Buffer{d: d, shape: logits.shape.Clone(), dt: logits.dt},
		RowLoss: &Buffer{d: d, shape: tensor.Shape{batch}, dt: tensor.Float64},
	}
	size := int64(logits.dt.Size())
	err := d.do(func() (err error) {
		var a, keep arena
		defer a.free()
		defer func() {
			if err != nil {
				keep.free()
			}
		}()
		dv, err := upload(&a, votes)
		if err != nil {
			return err
		}
		loss, err := zeroed[float64](&a, 1)
		if err != nil {
			return err
		}
		if res.Labels.ptr, err = keep.alloc(int64(batch) * 8); err != nil {
			return err
		}
		if res.Grad.ptr, err = keep.alloc(int64(batch) * size); err != nil {
			return err
		}
		if res.RowLoss.ptr, err = keep.alloc(int64(batch) * 8); err != nil {
			return err
		}
		for _, s := range segs {
			if err := d.scoreSegment(&a, s, dv, m, logits, pw, res, loss, batch); err != nil {
				return err
			}
		}
		host := make([]float64, 1)
		if err := download(host, loss); err != nil {
			return err
		}
		res.Loss = host[0]
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// scoreSegment launches the kernel for rows [s.From, s.To) of a batch.
func (d *Device) scoreSegment(a *arena, s fsloss.Segment, dv cu.DevicePtr, m int, logits *Buffer, pw float64, res Result, loss cu.DevicePtr, batch int) error {
	n := int64(s.To - s.From)
	if n <= 0 {
		return nil
	}
	size := int64(logits.dt.Size())
	at := func(p cu.DevicePtr, elem int64) cu.DevicePtr { return p + cu.DevicePtr(int64(s.From)*elem) }
	grid, block := dim3{blocks(n, 256), 1, 1}, dim3{256, 1, 1}
	x, labels, grad, rows, denom := at(logits.ptr, size), at(res.Labels.ptr, 8), at(res.Grad.ptr, size), at(res.RowLoss.ptr, 8), int64(batch)
	f32 := logits.dt == tensor.Float32
	if s.LogOdds != nil {
		table, err := upload(a, s.LogOdds)
		if err != nil {
			return err
		}
		v := at(dv, int64(m))
		if f32 {
			return d.launchFusedBCEF32(grid, block, v, n, int64(m), table, x, pw, labels, grad, rows, loss, denom)
		}
		return d.launchFusedBCEF64(grid, block, v, n, int64(m), table, x, pw, labels, grad, rows, loss, denom)
	}
	if len(s.Labels) != int(n) {
		return fmt.Errorf("cuda: segment [%d, %d) has %d labels", s.From, s.To, len(s.Labels))
	}
	if err := cu.MemcpyHtoD(labels, unsafe.Pointer(&s.Labels[0]), n*8); err != nil {
		return wrap("copying labels to the GPU", err)
	}
	if f32 {
		return d.launchBCEF32(grid, block, n, x, pw, labels, grad, rows, loss, denom)
	}
	return d.launchBCEF64(grid, block, n, x, pw, labels, grad, rows, loss, denom)
}

// ptrOf returns the address of a non-empty slice's first element.
func ptrOf[T any](s []T) unsafe.Pointer { return unsafe.Pointer(&s[0]) }
