//go:build !nocuda

package cuda

// #cgo LDFLAGS: -lcuda
// #include <cuda.h>
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// pinned is page-locked host memory (cuMemAllocHost), which the GPU's copy
// engines read and write directly: an asynchronous copy from it runs at
// the link's full speed and does not wait for the host, where a copy from
// Go memory is first staged by the driver. gorgonia.org/cu has no
// cuMemAllocHost, hence this binding. Callers hold the device (do).
type pinned struct {
	p    unsafe.Pointer
	size int64
}

// allocPinned allocates size bytes (at least 8) of pinned host memory.
func allocPinned(size int64) (pinned, error) {
	size = max(size, 8)
	var p unsafe.Pointer
	if err := cuErr(C.cuMemAllocHost(&p, C.size_t(size))); err != nil {
		return pinned{}, wrap("allocating pinned host memory", err)
	}
	return pinned{p: p, size: size}, nil
}

// bytes returns the memory as a byte slice.
func (h pinned) bytes() []byte { return unsafe.Slice((*byte)(h.p), h.size) }

// free releases the memory; a zero pinned is left alone.
func (h *pinned) free() error {
	if h.p == nil {
		return nil
	}
	err := cuErr(C.cuMemFreeHost(h.p))
	*h = pinned{}
	return wrap("freeing pinned host memory", err)
}

// cuErr turns a CUresult into gorgonia.org/cu's error of that code, so that
// errors.Is(err, cu.OutOfMemory) and the sticky-error checks work on it.
func cuErr(r C.CUresult) error {
	if r == C.CUDA_SUCCESS {
		return nil
	}
	return sameType(cu.Success, int(r))
}

// sameType converts code to the (unexported) type of gorgonia.org/cu's
// results, whose values are errors.
func sameType[T ~int](_ T, code int) error {
	var e any = T(code)
	return e.(error)
}

// allocHost allocates bytes of pinned host memory and returns its address
// (the staging buffers of Count).
func allocHost(bytes int64) (unsafe.Pointer, error) {
	h, err := allocPinned(bytes)
	return h.p, err
}

// freeHost releases memory from allocHost; nil is left alone.
func freeHost(p unsafe.Pointer) error {
	h := pinned{p: p}
	return h.free()
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
