//go:build !nocuda

package cuda

import (
	"fmt"
	"unsafe"

	"gorgonia.org/cu"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/kernels"
)

// Buffer is device memory holding a tensor's data; Tensor views it as a
// gorgonia tensor.Dense backed by device memory (its Data is not readable
// from the host: copy it back with ToHost).
type Buffer struct {
	d     *Device
	ptr   cu.DevicePtr
	shape tensor.Shape
	dt    tensor.Dtype
}

// Tensor returns a tensor.Dense over the device memory.
func (b *Buffer) Tensor() *tensor.Dense {
	return tensor.New(tensor.WithShape(b.shape.Clone()...), tensor.Of(b.dt),
		tensor.FromMemory(uintptr(b.ptr), uintptr(b.shape.TotalSize())*b.dt.Size()))
}

// ToHost copies the buffer into a new host tensor.
func (b *Buffer) ToHost() (*tensor.Dense, error) {
	n := b.shape.TotalSize()
	var backing any
	err := b.d.do(func() error {
		switch b.dt {
		case tensor.Float32:
			s := make([]float32, n)
			backing = s
			return download(s, b.ptr)
		case tensor.Float64:
			s := make([]float64, n)
			backing = s
			return download(s, b.ptr)
		}
		return fmt.Errorf("cuda: unsupported dtype %v", b.dt)
	})
	if err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(b.shape.Clone()...), tensor.WithBacking(backing)), nil
}

// Free releases the device memory.
func (b *Buffer) Free() error {
	return b.d.do(func() error { return cu.MemFree(b.ptr) })
}

// ToDevice copies a host float32 or float64 tensor to the device.
func (d *Device) ToDevice(t *tensor.Dense) (*Buffer, error) {
	b := &Buffer{d: d, shape: t.Shape().Clone(), dt: t.Dtype()}
	err := d.do(func() error {
		var a arena
		var err error
		switch s := t.Data().(type) {
		case []float32:
			b.ptr, err = upload(&a, s)
		case []float64:
			b.ptr, err = upload(&a, s)
		default:
			err = fmt.Errorf("cuda: tensor dtype %v: want float32 or float64", t.Dtype())
		}
		if err != nil {
			a.free()
		}
		return err
	})
	return b, err
}

// FusedResult is what FusedBCE leaves on the device: the probabilistic
// labels (batch, float64) and d loss / d logits (the logits' shape and
// dtype), plus the batch loss.
type FusedResult struct {
	Loss   float64
	Labels *Buffer
	Grad   *Buffer
}

// FusedBCE runs the fused loss kernel over device logits (batch or batch x
// 1, float32 or float64): for every row it makes the probabilistic label
// P(Y=+1 | votes) from the per-LF log-odds table (labelmodel's
// Model.LogOddsTable), then BCE-with-logits with positive weight pw and
// its gradient, and reduces the batch mean on the device, in one pass.
func (d *Device) FusedBCE(table []float64, votes []int8, m int, logits *Buffer, pw float64) (FusedResult, error) {
	batch := logits.shape.TotalSize()
	if len(votes) != batch*m || len(table) != 3*m+1 {
		return FusedResult{}, fmt.Errorf("cuda: FusedBCE: %d votes and a table of %d for %d logits and m = %d", len(votes), len(table), batch, m)
	}
	return d.score(votes, m, logits, pw, []fsloss.Segment{{From: 0, To: batch, LogOdds: table}})
}

// LossForward is fsloss.Loss.Forward with the scoring on the GPU, over
// device logits (batch or batch x 1, float32 or float64): the loss buffers
// the weak labels and refits on the CPU (Loss.Push), then every run of rows
// labelled by one fitted model is one launch of the fused kernel, which
// makes the labels from the votes and the model's log-odds table and
// scores the logits, all launches adding to one batch mean on the device.
// Rows whose model has no log-odds table (degenerate fits, clamped labels)
// get their labels from the CPU and the same scoring kernel.
func (d *Device) LossForward(l *fsloss.Loss, logits *Buffer, weakLabels *tensor.Dense) (FusedResult, error) {
	batch := logits.shape.TotalSize()
	if weakLabels == nil || len(weakLabels.Shape()) != 2 || weakLabels.Shape()[0] != batch {
		return FusedResult{}, fmt.Errorf("cuda: LossForward: weak labels must have %d rows, one per logit", batch)
	}
	if logits.dt != tensor.Float32 && logits.dt != tensor.Float64 {
		return FusedResult{}, fmt.Errorf("cuda: LossForward: logits dtype %v, want float32 or float64", logits.dt)
	}
	votes, segs, err := l.Push(weakLabels)
	if err != nil {
		return FusedResult{}, err
	}
	return d.score(votes, len(votes)/max(batch, 1), logits, l.PosWeight(), segs)
}

// score runs the scoring kernels over the row segments of one batch: the
// fused kernel where a segment has a log-odds table, the kernel against
// given labels otherwise; all add to one batch mean on the device.
func (d *Device) score(votes []int8, m int, logits *Buffer, pw float64, segs []fsloss.Segment) (FusedResult, error) {
	batch := logits.shape.TotalSize()
	fused, given := kernels.FusedBCEF64, kernels.BCEF64
	switch logits.dt {
	case tensor.Float32:
		fused, given = kernels.FusedBCEF32, kernels.BCEF32
	case tensor.Float64:
	default:
		return FusedResult{}, fmt.Errorf("cuda: logits dtype %v, want float32 or float64", logits.dt)
	}
	res := FusedResult{
		Labels: &Buffer{d: d, shape: tensor.Shape{batch}, dt: tensor.Float64},
		Grad:   &Buffer{d: d, shape: logits.shape.Clone(), dt: logits.dt},
	}
	size := int64(logits.dt.Size())
	err := d.do(func() error {
		var a, keep arena
		defer a.free()
		fail := func(err error) error {
			keep.free()
			return err
		}
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
			return fail(err)
		}
		for _, s := range segs {
			n := int64(s.To - s.From)
			at := func(p cu.DevicePtr, elem int64) cu.DevicePtr { return p + cu.DevicePtr(int64(s.From)*elem) }
			grid, block := [3]int{blocks(n, 256), 1, 1}, [3]int{256, 1, 1}
			if s.LogOdds != nil {
				dt, err := upload(&a, s.LogOdds)
				if err == nil {
					err = d.launch(fused, grid, block, at(dv, int64(m)), n, int64(m), dt, at(logits.ptr, size), pw,
						at(res.Labels.ptr, 8), at(res.Grad.ptr, size), loss, int64(batch))
				}
				if err != nil {
					return fail(err)
				}
				continue
			}
			err := cu.MemcpyHtoD(at(res.Labels.ptr, 8), ptrOf(s.Labels), n*8)
			if err == nil {
				err = d.launch(given, grid, block, n, at(logits.ptr, size), pw, at(res.Labels.ptr, 8), at(res.Grad.ptr, size), loss, int64(batch))
			}
			if err != nil {
				return fail(err)
			}
		}
		host := make([]float64, 1)
		if err := download(host, loss); err != nil {
			return fail(err)
		}
		res.Loss = host[0]
		return nil
	})
	return res, err
}

// ptrOf returns the address of a non-empty slice's first element.
func ptrOf[T any](s []T) unsafe.Pointer { return unsafe.Pointer(&s[0]) }
