//go:build !nocuda

package cuda

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/kernels"
)

// Available reports whether this build can use a GPU.
func Available() bool { return true }

// Device is one GPU with squid's kernels loaded. Its methods serialise
// their work; they are safe for concurrent use.
type Device struct {
	mu   sync.Mutex
	ctx  cu.CUContext
	fns  map[string]cu.Function
	name string
	mem  int64
	// fail, when set, makes every launch fail (to test the fallback).
	fail bool
}

// Open creates a context on GPU ordinal and loads the kernels.
func Open(ordinal int) (*Device, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return nil, fmt.Errorf("cuda: counting devices: %v", err)
	}
	if ordinal < 0 || ordinal >= n {
		return nil, fmt.Errorf("cuda: no GPU %d (%d present)", ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, err
	}
	d := &Device{fns: map[string]cu.Function{}}
	d.name, _ = dev.Name()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if d.ctx, err = dev.MakeContext(cu.SchedAuto); err != nil {
		return nil, fmt.Errorf("cuda: creating a context on %s: %v", d.name, err)
	}
	mod, err := cu.LoadData(kernels.PTX)
	if err != nil {
		return nil, fmt.Errorf("cuda: loading the kernels (PTX JIT) on %s: %v", d.name, err)
	}
	for _, name := range []string{kernels.Pack, kernels.PairCounts, kernels.TripletMean, kernels.TripletMedian,
		kernels.FusedBCEF64, kernels.FusedBCEF32, kernels.PosteriorLogOdd} {
		if d.fns[name], err = mod.Function(name); err != nil {
			return nil, fmt.Errorf("cuda: kernel %s: %v", name, err)
		}
	}
	_, d.mem, _ = cu.MemInfo()
	return d, nil
}

// Name returns the GPU's name.
func (d *Device) Name() string { return d.name }

// FreeMemory returns the GPU's free memory in bytes.
func (d *Device) FreeMemory() int64 {
	var free int64
	_ = d.do(func() (err error) { free, _, err = cu.MemInfo(); return err })
	return free
}

// do runs f with the device's context current on a locked OS thread.
func (d *Device) do(f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cu.SetCurrentContext(d.ctx); err != nil {
		return err
	}
	return f()
}

// mem tracks the allocations of one operation and frees them all.
type arena struct{ ptrs []cu.DevicePtr }

func (a *arena) alloc(bytes int64) (cu.DevicePtr, error) {
	p, err := cu.MemAlloc(max(bytes, 8))
	if err != nil {
		return 0, fmt.Errorf("cuda: allocating %d bytes: %v", bytes, err)
	}
	a.ptrs = append(a.ptrs, p)
	return p, nil
}

// upload allocates device memory for the bytes of s and copies them there.
func upload[T any](a *arena, s []T) (cu.DevicePtr, error) {
	bytes := int64(len(s)) * int64(unsafe.Sizeof(*new(T)))
	p, err := a.alloc(bytes)
	if err != nil || bytes == 0 {
		return p, err
	}
	return p, cu.MemcpyHtoD(p, unsafe.Pointer(&s[0]), bytes)
}

// zeroed allocates n elements of T set to zero.
func zeroed[T any](a *arena, n int) (cu.DevicePtr, error) {
	bytes := int64(n) * int64(unsafe.Sizeof(*new(T)))
	p, err := a.alloc(bytes)
	if err != nil {
		return p, err
	}
	return p, cu.MemsetD8(p, 0, max(bytes, 8))
}

// download copies len(dst) elements from p.
func download[T any](dst []T, p cu.DevicePtr) error {
	if len(dst) == 0 {
		return nil
	}
	return cu.MemcpyDtoH(unsafe.Pointer(&dst[0]), p, int64(len(dst))*int64(unsafe.Sizeof(dst[0])))
}

func (a *arena) free() {
	for _, p := range a.ptrs {
		_ = cu.MemFree(p)
	}
	a.ptrs = nil
}

// launch runs kernel name and waits for it. Every argument must be an
// 8-byte value (cu.DevicePtr, int64 or float64): gorgonia/cu copies each
// argument as 8 bytes.
func (d *Device) launch(name string, grid, block [3]int, args ...any) error {
	if d.fail {
		return fmt.Errorf("cuda: launch of %s failed (injected)", name)
	}
	params := make([]unsafe.Pointer, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case cu.DevicePtr:
			params[i] = unsafe.Pointer(&v)
		case int64:
			params[i] = unsafe.Pointer(&v)
		case float64:
			params[i] = unsafe.Pointer(&v)
		default:
			return fmt.Errorf("cuda: kernel argument %d of %s has type %T, want an 8-byte value", i, name, a)
		}
	}
	if err := d.fns[name].Launch(grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, cu.NoStream, params); err != nil {
		return fmt.Errorf("cuda: launching %s: %v", name, err)
	}
	if err := cu.Synchronize(); err != nil {
		return fmt.Errorf("cuda: running %s: %v", name, err)
	}
	return nil
}

func blocks(n, per int64) int { return int((n + per - 1) / per) }
