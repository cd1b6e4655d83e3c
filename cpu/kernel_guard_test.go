//go:build linux

package cpu

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// guardedWords returns n words that end where an unreadable page begins,
// so a kernel that reads one word past its slice faults.
func guardedWords(t *testing.T, n int) []uint64 {
	t.Helper()
	page := syscall.Getpagesize()
	size := (n*8+page-1)/page*page + page
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size-page:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	body := mem[size-page-n*8 : size-page]
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(body))), n)
}

// Kernels read nothing past the last word they count: bitsets that end
// at a guard page, with strides that leave nothing after the negative
// bits, count without a fault.
func TestKernelsStayInBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, k := range Kernels() {
		for nw := 1; nw <= 40; nw++ {
			stride, nj := 2*nw, 3
			x := guardedWords(t, stride)
			ys := guardedWords(t, nj*stride)
			copy(x, randomWords(r, len(x)))
			copy(ys, randomWords(r, len(ys)))
			checkPairRow(t, k, x, ys, stride, nw, nj)
			if got, want := k.Popcount(x), popcountGo(x); got != want {
				t.Fatalf("kernel %s: popcount %d, want %d", k.Name, got, want)
			}
		}
	}
}
