//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"

	_ "github.com/squid-ws/squid/cuda/internal/probe" // before gorgonia.org/cu's init: one squid line when there is no GPU
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
	// ChunkBytes is the size of each of Count's two pinned staging buffers
	// (default 64 MiB, whole rows of at least 32): votes in host memory
	// stream through them in chunks of that size, however large the matrix.
	ChunkBytes int
	// lost is the sticky error after which the context is unusable.
	lost error
	// scratch is what counting keeps on the device between calls.
	scratch *countScratch
	// mma says whether counting uses the tensor-core kernel
	// (squid_pair_counts_mma, compute capability 8.0 and newer) instead of
	// squid_pack + squid_pair_counts; Open sets it, tests flip it to run
	// both paths.
	mma bool
	// stream is where launches go: an operation's own stream while it
	// holds the device (doOn, the counting pipeline); the default stream
	// otherwise.
	stream cu.Stream
}

// ErrContextLost wraps every error returned after a sticky CUDA error (an
// illegal address, a failed launch): the GPU context is unusable for the
// rest of the process, as on real hardware.
var ErrContextLost = errors.New("cuda: the GPU context is unusable after an earlier fault")

// Open creates a context on GPU ordinal and loads every kernel of
// kernels.All.
func Open(ordinal int) (*Device, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return nil, fmt.Errorf("cuda: counting devices: %w", err)
	}
	if ordinal < 0 || ordinal >= n {
		return nil, fmt.Errorf("cuda: no GPU %d (%d present)", ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, fmt.Errorf("cuda: GPU %d: %w", ordinal, err)
	}
	d := &Device{fns: map[string]cu.Function{}}
	d.name, _ = dev.Name()
	major, err := dev.Attribute(cu.ComputeCapabilityMajor)
	if err != nil {
		return nil, fmt.Errorf("cuda: GPU %d: reading its compute capability: %w", ordinal, err)
	}
	d.mma = major >= 8
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if d.ctx, err = dev.MakeContext(cu.SchedAuto); err != nil {
		return nil, fmt.Errorf("cuda: creating a context on %s: %w", d.name, err)
	}
	mod, err := cu.LoadData(kernels.PTX)
	if err != nil {
		return nil, fmt.Errorf("cuda: loading the kernels (PTX JIT) on %s: %w", d.name, err)
	}
	for _, name := range kernels.All {
		if d.fns[name], err = mod.Function(name); err != nil {
			return nil, fmt.Errorf("cuda: kernel %s: %w", name, err)
		}
	}
	return d, nil
}

// CountKernels names the kernels that count votes on this device:
// "squid_pair_counts_mma" (int8 tensor cores, compute capability 8.0 and
// newer) or "squid_pack+squid_pair_counts" (bitsets, AND + popcount).
func (d *Device) CountKernels() string {
	if d.mma {
		return kernels.PairCountsMma
	}
	return kernels.Pack + "+" + kernels.PairCounts
}

// Name returns the GPU's name.
func (d *Device) Name() string { return d.name }

// FreeMemory returns the GPU's free memory in bytes (0 when it cannot be
// read).
func (d *Device) FreeMemory() int64 {
	var free int64
	_ = d.do(func() (err error) { free, _, err = cu.MemInfo(); return err })
	return free
}

// Lost returns the sticky error that made the device unusable, or nil.
func (d *Device) Lost() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lost
}

// do runs f with the device's context current on a locked OS thread. A
// sticky error marks the device lost: later calls fail at once.
func (d *Device) do(f func() error) error {
	return d.hold(f, func() error {
		// Kernels run asynchronously: a fault in one surfaces here at the
		// latest, inside the operation that launched it.
		return wrap("running the kernels", cu.Synchronize())
	})
}

// doOn runs f like do, with f's launches on stream s, and ends by waiting
// for s alone instead of the whole context, on every path (so no copy f
// queued still reads host memory after doOn returns).
func (d *Device) doOn(s cu.Stream, f func() error) error {
	return d.hold(func() error {
		d.stream = s
		defer func() { d.stream = cu.NoStream }()
		err := f()
		return primary(err, wrap("running the kernels", s.Synchronize()))
	}, nil)
}

// hold runs f, then end when f succeeded, holding the device with its
// context current on a locked OS thread; a sticky error marks the device
// lost.
func (d *Device) hold(f, end func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lost != nil {
		return d.lost
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := cu.SetCurrentContext(d.ctx)
	if err == nil {
		err = f()
	}
	if err == nil && end != nil {
		err = end()
	}
	if sticky(err) {
		d.lost = fmt.Errorf("%w: %w", ErrContextLost, err)
		return d.lost
	}
	return err
}

// sticky reports whether err is a CUDA error that leaves the context
// unusable (CUDA 11.8's "the process must terminate" errors).
func sticky(err error) bool {
	for _, e := range []error{cu.IllegalAddress, cu.LaunchFailed, cu.HardwareStackError, cu.IllegalInstruction,
		cu.MisalignedAddress, cu.InvalidAddressSpace, cu.InvalidPc} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// arena tracks the allocations of one operation and frees them all.
type arena struct{ ptrs []cu.DevicePtr }

func (a *arena) alloc(bytes int64) (cu.DevicePtr, error) {
	p, err := cu.MemAlloc(max(bytes, 8))
	if err != nil {
		return 0, wrapAlloc(bytes, err)
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
	return p, wrap("copying to the GPU", cu.MemcpyHtoD(p, unsafe.Pointer(&s[0]), bytes))
}

// download copies len(dst) elements from p.
func download[T any](dst []T, p cu.DevicePtr) error {
	if len(dst) == 0 {
		return nil
	}
	return wrap("copying from the GPU", cu.MemcpyDtoH(unsafe.Pointer(&dst[0]), p, int64(len(dst))*int64(unsafe.Sizeof(dst[0]))))
}

func (a *arena) free() {
	for _, p := range a.ptrs {
		_ = cu.MemFree(p)
	}
	a.ptrs = nil
}

// primary returns err, or when it is nil the error of the cleanup that
// followed: after a failure, the cleanup's own failures (on a lost device,
// the same fault once per buffer) would only bury the cause.
func primary(err, cleanup error) error {
	if err != nil {
		return err
	}
	return cleanup
}

// wrap adds what was being done to a CUDA error.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cuda: %s: %w", what, err)
}

// dim3 is a grid or block shape.
type dim3 [3]int

// launch queues kernel name over grid x block on d.stream; it
// does not wait: the copy back of a result (synchronous) or the end of the
// operation reports a kernel's failure. params point at the kernel's
// arguments, each 8 bytes wide (gorgonia/cu copies 8 bytes per argument);
// the typed launch functions of launch_gen.go build them.
func (d *Device) launch(name string, grid, block dim3, params []unsafe.Pointer) error {
	fn, ok := d.fns[name]
	if !ok {
		return fmt.Errorf("cuda: kernel %s is not loaded", name)
	}
	if err := fn.Launch(grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, d.stream, params); err != nil {
		return fmt.Errorf("cuda: launching %s: %w", name, err)
	}
	return nil
}

func blocks(n, per int64) int { return int((n + per - 1) / per) }
