//go:build linux

package cpu

import (
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"unsafe"
)

// guardedWords returns n words that end where an unreadable page begins,
// so a kernel that reads one word past its slice faults.
func guardedWords(t *testing.T, n int) []uint64 {
	body := guardedBytes(t, 8*n)
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(body))), n)
}

// guardedBytes returns n bytes that end where an unreadable page begins.
func guardedBytes(t *testing.T, n int) []byte {
	t.Helper()
	page := syscall.Getpagesize()
	size := (n+page-1)/page*page + page
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size-page:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return mem[size-page-n : size-page]
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

// packBlock reads no vote past its block, whatever the number of LFs.
func TestPackBlockStaysInBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, m := range []int{1, 5, 8, 20, 33, 64, 65, 100} {
		rows := 130
		raw := guardedBytes(t, rows*m)
		block := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(raw))), len(raw))
		copy(block, randomVotes(r, rows, m, 0.3))
		packed := make([]uint64, 2*m*3)
		packBlock(packed, block, m, 3)
		want := NewCounts(m)
		CountReference(want, block, m)
		for i := 0; i < m; i++ {
			if popcountGo(packed[2*i*3:2*i*3+3]) != want.Pos[i] || popcountGo(packed[(2*i+1)*3:(2*i+2)*3]) != want.Neg[i] {
				t.Fatalf("m=%d: LF %d packed counts differ from the votes", m, i)
			}
		}
	}
}

// Count, which asks for the next block's votes while it counts the pairs
// of one, reads and asks for nothing past the votes: votes that end at a
// guard page, over several blocks and a partial last one, count as the
// reference does.
func TestCountStaysInBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, sz := range []struct{ n, m int }{{2*blockRows + 37, 50}, {blockRows + 1, 3}, {blockRows, 7}} {
		raw := guardedBytes(t, sz.n*sz.m)
		votes := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(raw))), len(raw))
		copy(votes, randomVotes(r, sz.n, sz.m, 0.3))
		want := NewCounts(sz.m)
		CountReference(want, votes, sz.m)
		got := NewCounts(sz.m)
		countRows(best, got, votes, sz.m)
		if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
			t.Errorf("n=%d m=%d: counts of guarded votes differ from the reference", sz.n, sz.m)
		}
	}
	for n := 0; n <= 130; n++ {
		raw := guardedBytes(t, n)
		prefetch(unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(raw))), n))
	}
}
