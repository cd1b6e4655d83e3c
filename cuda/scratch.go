//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"unsafe"

	"gorgonia.org/cu"
)

// countScratch is what counting keeps on the device between calls, so that
// a stream of Count calls allocates nothing after the first: the bitsets,
// the counts, two pinned host staging buffers with their device
// counterparts, a copy and a compute stream, and the events ordering
// them. Device.Release frees it; a failed count frees it too, so that a
// failure leaves no device memory behind.
type countScratch struct {
	pos, neg      cu.DevicePtr
	bitsCap       int64 // words of pos and of neg each
	counts        cu.DevicePtr
	countsCap     int64 // uint64s
	stage         [2]stageBuffer
	stageCap      int64 // bytes of each stage buffer
	copyStream    cu.Stream
	computeStream cu.Stream
	streams       bool
}

// stageBuffer is one pinned host buffer, its device copy, and the events
// after its last copy (copied) and the last kernels that read it (used).
type stageBuffer struct {
	host                    unsafe.Pointer
	dev                     cu.DevicePtr
	copied, used            cu.Event
	events                  bool
	copyPending, usePending bool
}

func (s *stageBuffer) hostBytes(n int) []byte { return unsafe.Slice((*byte)(s.host), n) }

// withScratch runs f with the device's count scratch (context current,
// under the device lock); an error frees the scratch.
func (d *Device) withScratch(f func(*countScratch) error) error {
	return d.do(func() error {
		if d.scratch == nil {
			d.scratch = &countScratch{}
		}
		err := f(d.scratch)
		for i := range d.scratch.stage {
			d.scratch.stage[i].copyPending, d.scratch.stage[i].usePending = false, false
		}
		if err != nil {
			err = primary(err, d.scratch.free())
			d.scratch = nil
		}
		return err
	})
}

// ensure grows the scratch to counts of shape s with stage buffers of
// stageBytes (0: none, for device-resident votes).
func (sc *countScratch) ensure(s countShape, stageBytes int64) error {
	if s.bitsN > 0 && (s.bitsN > sc.bitsCap || sc.pos == 0 || sc.neg == 0) {
		sc.bitsCap = 0
		if err := errors.Join(freeDevice(&sc.pos), freeDevice(&sc.neg)); err != nil {
			return err
		}
		var capacity int64
		if err := growDevice(&sc.pos, &capacity, s.bitsN, 4); err != nil {
			return err
		}
		if err := growDevice(&sc.neg, &capacity, s.bitsN, 4); err != nil {
			return err
		}
		sc.bitsCap = s.bitsN
	}
	if err := growDevice(&sc.counts, &sc.countsCap, s.countsLen, 8); err != nil {
		return err
	}
	if stageBytes == 0 {
		return nil
	}
	if !sc.streams {
		var err error
		if sc.copyStream, err = cu.MakeStream(cu.DefaultStream); err != nil {
			return wrap("creating a stream", err)
		}
		if sc.computeStream, err = cu.MakeStream(cu.DefaultStream); err != nil {
			_ = sc.copyStream.Destroy()
			return wrap("creating a stream", err)
		}
		sc.streams = true
	}
	for i := range sc.stage {
		st := &sc.stage[i]
		if !st.events {
			var err error
			if st.copied, err = cu.MakeEvent(cu.DisableTiming); err != nil {
				return wrap("creating an event", err)
			}
			if st.used, err = cu.MakeEvent(cu.DisableTiming); err != nil {
				_ = cu.DestroyEvent(&st.copied)
				return wrap("creating an event", err)
			}
			st.events = true
		}
	}
	if stageBytes <= sc.stageCap {
		return nil
	}
	for i := range sc.stage {
		st := &sc.stage[i]
		if err := errors.Join(freeHost(st.host), freeDevice(&st.dev)); err != nil {
			return err
		}
		st.host = nil
		sc.stageCap = 0
	}
	for i := range sc.stage {
		st := &sc.stage[i]
		var err error
		if st.host, err = allocHost(stageBytes); err != nil {
			return err
		}
		if st.dev, err = cu.MemAlloc(stageBytes); err != nil {
			return wrapAlloc(stageBytes, err)
		}
	}
	sc.stageCap = stageBytes
	return nil
}

// growDevice makes *p hold at least n elements of size bytes, reallocating
// when *capacity is smaller.
func growDevice(p *cu.DevicePtr, capacity *int64, n, size int64) error {
	if n <= *capacity && *p != 0 {
		return nil
	}
	if err := freeDevice(p); err != nil {
		return err
	}
	*capacity = 0
	q, err := cu.MemAlloc(max(n*size, 8))
	if err != nil {
		return wrapAlloc(n*size, err)
	}
	*p, *capacity = q, n
	return nil
}

// wrapAlloc names the size of a failed allocation.
func wrapAlloc(bytes int64, err error) error {
	return fmt.Errorf("cuda: allocating %d bytes: %w", bytes, err)
}

func freeDevice(p *cu.DevicePtr) error {
	if *p == 0 {
		return nil
	}
	err := cu.MemFree(*p)
	*p = 0
	return wrap("freeing GPU memory", err)
}

// free releases everything the scratch holds.
func (sc *countScratch) free() error {
	var errs []error
	errs = append(errs, freeDevice(&sc.pos), freeDevice(&sc.neg), freeDevice(&sc.counts))
	for i := range sc.stage {
		st := &sc.stage[i]
		errs = append(errs, freeHost(st.host), freeDevice(&st.dev))
		st.host = nil
		if st.events {
			errs = append(errs, wrap("destroying an event", cu.DestroyEvent(&st.copied)), wrap("destroying an event", cu.DestroyEvent(&st.used)))
			st.events = false
		}
	}
	if sc.streams {
		errs = append(errs, wrap("destroying a stream", sc.copyStream.Destroy()), wrap("destroying a stream", sc.computeStream.Destroy()))
		sc.streams = false
	}
	return errors.Join(errs...)
}

// Release frees the buffers, streams and pinned host memory that Count
// and CountDevice keep between calls. The next count allocates them again.
func (d *Device) Release() error {
	return d.do(func() error {
		if d.scratch == nil {
			return nil
		}
		err := d.scratch.free()
		d.scratch = nil
		return err
	})
}
