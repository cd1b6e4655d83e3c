//go:build !nocuda

package cuda

// #cgo LDFLAGS: -lcuda
// #include <cuda.h>
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// allocHost allocates bytes of page-locked host memory (cuMemAllocHost,
// which gorgonia.org/cu does not wrap): the GPU copies from it by DMA at
// the bus's full rate and asynchronously, unlike pageable memory.
func allocHost(bytes int64) (unsafe.Pointer, error) {
	var p unsafe.Pointer
	if r := C.cuMemAllocHost(&p, C.size_t(bytes)); r != C.CUDA_SUCCESS {
		return nil, fmt.Errorf("cuda: allocating %d bytes of pinned host memory: %w", bytes, driverError(r))
	}
	return p, nil
}

// freeHost releases memory from allocHost.
func freeHost(p unsafe.Pointer) error {
	if p == nil {
		return nil
	}
	return wrap("freeing pinned host memory", cu.MemFreeHost(p))
}

// driverError is a CUDA result as gorgonia.org/cu's error of that code
// where it has one (so errors.Is and the sticky-error check see it), else
// as the driver's name for it.
func driverError(r C.CUresult) error {
	for _, e := range []struct {
		code int
		err  error
	}{
		{int(cu.OutOfMemory), cu.OutOfMemory}, {int(cu.InvalidValue), cu.InvalidValue},
		{int(cu.InvalidContext), cu.InvalidContext}, {int(cu.NotInitialized), cu.NotInitialized},
		{int(cu.IllegalAddress), cu.IllegalAddress}, {int(cu.LaunchFailed), cu.LaunchFailed},
		{int(cu.HardwareStackError), cu.HardwareStackError}, {int(cu.IllegalInstruction), cu.IllegalInstruction},
		{int(cu.MisalignedAddress), cu.MisalignedAddress}, {int(cu.InvalidAddressSpace), cu.InvalidAddressSpace},
		{int(cu.InvalidPc), cu.InvalidPc},
	} {
		if int(r) == e.code {
			return e.err
		}
	}
	name := fmt.Sprintf("CUDA error %d", int(r))
	var s *C.char
	if C.cuGetErrorName(r, &s) == C.CUDA_SUCCESS && s != nil {
		name = C.GoString(s)
	}
	return errors.New(name)
}

// parallelCopy copies src into dst (len(dst) >= len(src)) with one
// goroutine per core over pieces of at least 4 MiB: one core's memcpy
// (~10 GB/s) would otherwise be slower than the copy to the GPU that it
// feeds (~50 GB/s from pinned memory).
func parallelCopy(dst, src []byte) {
	const minPiece = 4 << 20
	workers := min(runtime.GOMAXPROCS(0), (len(src)+minPiece-1)/minPiece)
	if workers <= 1 {
		copy(dst, src)
		return
	}
	per := (len(src) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(src); lo += per {
		hi := min(lo+per, len(src))
		wg.Add(1)
		go func() {
			defer wg.Done()
			copy(dst[lo:hi], src[lo:hi])
		}()
	}
	wg.Wait()
}

// int8Bytes views votes as bytes.
func int8Bytes(v []int8) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v))
}
