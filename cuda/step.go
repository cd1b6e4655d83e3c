//go:build !nocuda

package cuda

import (
	"errors"
	"sync"

	"gorgonia.org/cu"
	"gorgonia.org/tensor"
)

// stepper runs loss steps (squid_loss_step) with device memory it keeps
// from step to step: a step is one copy of its input from pinned host
// memory into a device buffer, one launch, one copy of the loss scalar
// back, and one wait for its own stream; allocations happen only when a
// batch outgrows the buffers (which then grow geometrically) or when the
// caller still holds every earlier step's outputs.
//
// The stream is created with CU_STREAM_DEFAULT, so a step still runs after
// work queued earlier on the default stream (the logits' producer there).
type stepper struct {
	d *Device
	// Held with the device (inside doOn):
	stream cu.Stream
	ready  bool         // stream created
	host   pinned       // staging of a step's input; its first 8 bytes receive the loss
	in     cu.DevicePtr // the device copy of the staging
	inSize int64

	// mu guards what Buffer.Free touches from any goroutine.
	mu     sync.Mutex
	spare  []*outSet // output sets the caller has freed, for reuse
	closed bool
}

// outSet is one step's outputs in one allocation: labels, row losses and
// gradients, each rows x 8 bytes. Its three Buffers return it to the
// stepper when all three are freed.
type outSet struct {
	ptr  cu.DevicePtr
	rows int
	live int // views not yet freed
}

// maxSpare bounds the output sets kept for reuse.
const maxSpare = 2

// run scores one batch by plan p over logits (live, float32 or float64,
// batch rows) with positive weight pw. On error nothing it allocated for
// the caller remains and the Result is zero.
func (s *stepper) run(p lossPlan, logits *Buffer, pw float64) (Result, error) {
	batch := p.batch
	if s.isClosed() {
		return Result{}, errors.New("cuda: the loss was closed")
	}
	if !s.ready { // held without the context-wide synchronize of do
		if err := s.d.hold(func() (err error) {
			s.stream, err = cu.MakeStream(cu.DefaultStream)
			return wrap("creating a stream", err)
		}, nil); err != nil {
			return Result{}, err
		}
		s.ready = true
	}
	l := p.layout()
	var set *outSet
	err := s.d.doOn(s.stream, func() (err error) {
		if err := s.reserve(l.end); err != nil {
			return err
		}
		if set, err = s.take(batch); err != nil {
			return err
		}
		p.stage(s.host.bytes())
		if err := cu.MemcpyHtoDAsync(s.in, s.host.p, l.end, s.stream); err != nil {
			return wrap("copying the step's input to the GPU", err)
		}
		at := func(off int64) cu.DevicePtr { return s.in + cu.DevicePtr(off) }
		labels, rows, grad := set.ptr, set.ptr+cu.DevicePtr(8*set.rows), set.ptr+cu.DevicePtr(16*set.rows)
		grid, block := dim3{blocks(int64(batch), 256), 1, 1}, dim3{256, 1, 1}
		if logits.dt == tensor.Float32 {
			err = s.d.launchLossStepF32(grid, block, at(l.votes), at(l.model), at(l.tables), at(l.given), int64(batch), int64(p.m),
				logits.ptr, pw, labels, grad, rows, s.in)
		} else {
			err = s.d.launchLossStepF64(grid, block, at(l.votes), at(l.model), at(l.tables), at(l.given), int64(batch), int64(p.m),
				logits.ptr, pw, labels, grad, rows, s.in)
		}
		if err != nil {
			return err
		}
		return wrap("copying the loss from the GPU", cu.MemcpyDtoHAsync(s.host.p, s.in, 8, s.stream))
	})
	if err != nil {
		if set != nil {
			set.live = 1 // no view of it was handed out
			_ = s.release(set)
		}
		return Result{}, err
	}
	view := func(off int, shape tensor.Shape, dt tensor.Dtype) *Buffer {
		return &Buffer{d: s.d, ptr: set.ptr + cu.DevicePtr(off), shape: shape, dt: dt, set: set, owner: s}
	}
	return Result{
		Loss:    *(*float64)(s.host.p),
		Labels:  view(0, tensor.Shape{batch, 1}, tensor.Float64),
		RowLoss: view(8*set.rows, tensor.Shape{batch}, tensor.Float64),
		Grad:    view(16*set.rows, logits.shape.Clone(), logits.dt),
	}, nil
}

// reserve makes the staging and the device input hold at least size
// bytes, rounded up to a power of two (so a batch whose number of refits
// varies a little does not reallocate, and growth is geometric): the old
// pair is freed only once the new one exists.
// The device is held and the stream idle.
func (s *stepper) reserve(size int64) error {
	if size <= s.inSize {
		return nil
	}
	size = pow2(max(size, 4096))
	host, err := allocPinned(size)
	if err != nil {
		return err
	}
	in, err := cu.MemAlloc(size)
	if err != nil {
		host.free()
		return wrap("allocating the loss step's input on the GPU", err)
	}
	s.freeInput()
	s.host, s.in, s.inSize = host, in, size
	return nil
}

// freeInput releases the staging and the device input. The device is held.
func (s *stepper) freeInput() error {
	var err error
	if s.in != 0 {
		err = wrap("freeing GPU memory", cu.MemFree(s.in))
	}
	s.in, s.inSize = 0, 0
	return errors.Join(err, s.host.free())
}

// take returns an output set of at least rows rows, a spare one when one
// is large enough, else a new one (a power of two of rows). The device is
// held.
func (s *stepper) take(rows int) (*outSet, error) {
	s.mu.Lock()
	var set *outSet
	for i, c := range s.spare {
		if c.rows >= rows {
			set = c
			s.spare = append(s.spare[:i], s.spare[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if set == nil {
		n := int(pow2(int64(max(rows, 256))))
		p, err := cu.MemAlloc(int64(n) * 24)
		if err != nil {
			return nil, wrap("allocating the loss step's outputs on the GPU", err)
		}
		set = &outSet{ptr: p, rows: n}
	}
	set.live = 3
	return set, nil
}

// release takes back one freed view of set (a whole set on a failed
// step); when none is left the set becomes a spare, or is freed when the
// stepper is closed or has enough spares (the smallest goes).
func (s *stepper) release(set *outSet) error {
	s.mu.Lock()
	set.live--
	if set.live > 0 {
		s.mu.Unlock()
		return nil
	}
	var drop *outSet
	if s.closed {
		drop = set
	} else {
		s.spare = append(s.spare, set)
		if len(s.spare) > maxSpare {
			k := 0
			for i, c := range s.spare {
				if c.rows < s.spare[k].rows {
					k = i
				}
			}
			drop = s.spare[k]
			s.spare = append(s.spare[:k], s.spare[k+1:]...)
		}
	}
	s.mu.Unlock()
	if drop == nil {
		return nil
	}
	return s.d.do(func() error { return wrap("freeing GPU memory", cu.MemFree(drop.ptr)) })
}

func (s *stepper) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// close frees the stepper's memory and stream; outputs still held are
// freed when the caller frees them. Closing twice does nothing; on a lost
// device there is nothing left to free.
func (s *stepper) close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	spare := s.spare
	s.spare = nil
	s.mu.Unlock()
	if !s.ready && s.inSize == 0 && len(spare) == 0 {
		return nil
	}
	err := s.d.do(func() error {
		err := s.freeInput()
		for _, set := range spare {
			err = errors.Join(err, wrap("freeing GPU memory", cu.MemFree(set.ptr)))
		}
		if s.ready {
			err = errors.Join(err, wrap("destroying a stream", s.stream.Destroy()))
			s.ready = false
		}
		return err
	})
	if errors.Is(err, ErrContextLost) {
		return nil // the context, and with it the memory, is gone
	}
	return err
}

// pow2 returns the least power of two >= n (n >= 1).
func pow2(n int64) int64 {
	p := int64(1)
	for p < n {
		p *= 2
	}
	return p
}
