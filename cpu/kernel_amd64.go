//go:build amd64 && !purego

package cpu

import xcpu "golang.org/x/sys/cpu"

// The assembly kernels in kernel_amd64.s. Each pairRow adds to out[0:nj]
// the joint counts of LF x (positive bits at x, negative bits half words
// further on, half = stride/2) against the nj LFs at ys, stride words
// apart, over nw words; the Go wrappers below check every bound first.

//go:noescape
func pairRowAVX512(x, ys *uint64, stride, nw, nj int, out *PairCounts)

//go:noescape
func pairRowAVX2(x, ys *uint64, stride, nw, nj int, out *PairCounts)

//go:noescape
func popcountAVX512(p *uint64, n int) int64

//go:noescape
func popcountAVX2(p *uint64, n int) int64

// hasAVX512 and hasAVX2 are the CPU (and operating system) features the
// kernels need; POPCNT is for the scalar tail of both.
var (
	hasAVX512 = xcpu.X86.HasAVX512F && xcpu.X86.HasAVX512VPOPCNTDQ && xcpu.X86.HasPOPCNT
	hasAVX2   = xcpu.X86.HasAVX2 && xcpu.X86.HasPOPCNT
)

func archKernels() []Kernel {
	var ks []Kernel
	if hasAVX512 {
		ks = append(ks, Kernel{Name: "avx512", pairRow: asmPairRow(pairRowAVX512), popcount: asmPopcount(popcountAVX512)})
	}
	if hasAVX2 {
		ks = append(ks, Kernel{Name: "avx2", pairRow: asmPairRow(pairRowAVX2), popcount: asmPopcount(popcountAVX2)})
	}
	return verified(ks)
}

// asmPairRow wraps an assembly pair-row kernel in the bound checks that
// keep it inside its slices.
func asmPairRow(f func(x, ys *uint64, stride, nw, nj int, out *PairCounts)) func(x, ys []uint64, stride, nw int, out []PairCounts) {
	return func(x, ys []uint64, stride, nw int, out []PairCounts) {
		nj := len(out)
		if nj == 0 || nw == 0 {
			return
		}
		half := stride / 2
		if nw < 0 || nw > half || len(x) < half+nw || len(ys) < (nj-1)*stride+half+nw {
			panic("cpu: pair-row kernel arguments out of range")
		}
		f(&x[0], &ys[0], stride, nw, nj, &out[0])
	}
}

// asmPopcount wraps an assembly popcount loop for slices.
func asmPopcount(f func(p *uint64, n int) int64) func([]uint64) int64 {
	return func(ws []uint64) int64 {
		if len(ws) == 0 {
			return 0
		}
		return f(&ws[0], len(ws))
	}
}
