//go:build !nocuda

package cuda

import (
	"fmt"

	"gorgonia.org/cu"
	"gorgonia.org/tensor"
)

// Buffer is device memory holding a float32 or float64 tensor's data. Its
// bytes are not readable from the host: ToHost copies them back. There is
// deliberately no tensor.Dense view of it, since any host access to such a
// view would crash the process.
type Buffer struct {
	d     *Device
	ptr   cu.DevicePtr
	shape tensor.Shape
	dt    tensor.Dtype
	// set and owner: a view of a loss step's outputs, which Free hands back
	// to the stepper that owns them instead of freeing.
	set   *outSet
	owner *stepper
}

// Shape returns the buffer's tensor shape.
func (b *Buffer) Shape() tensor.Shape { return b.shape.Clone() }

// Dtype returns the buffer's element type.
func (b *Buffer) Dtype() tensor.Dtype { return b.dt }

// ToHost copies the buffer into a new host tensor.
func (b *Buffer) ToHost() (*tensor.Dense, error) {
	if b.ptr == 0 {
		return nil, fmt.Errorf("cuda: ToHost on a freed buffer")
	}
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

// Free releases the device memory (a loss's outputs go back to the loss,
// for its next steps). Freeing a buffer twice does nothing.
func (b *Buffer) Free() error {
	if b == nil {
		return nil
	}
	if b.owner != nil {
		if b.ptr == 0 {
			return nil
		}
		b.ptr = 0
		return b.owner.release(b.set)
	}
	return b.d.freeOnce(&b.ptr)
}

// freeOnce frees the device memory at *p and zeroes *p; a zero *p (never
// allocated, or freed already) does nothing.
func (d *Device) freeOnce(p *cu.DevicePtr) error {
	if *p == 0 {
		return nil
	}
	q := *p
	*p = 0
	return d.do(func() error { return wrap("freeing GPU memory", cu.MemFree(q)) })
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
	if err != nil {
		return nil, err
	}
	return b, nil
}
