package cpu

import "math/bits"

// Kernel is one implementation of the pair-count inner loop: the AND and
// popcount of two LFs' packed vote bitsets. Count uses the first of
// Kernels(); the others are there to be tested and measured against it.
type Kernel struct {
	// Name says which instructions the kernel uses: "avx512" (VPOPCNTQ on
	// 512-bit registers), "avx2" (nibble-table popcount on 256-bit
	// registers) or "go" (the portable loop, math/bits.OnesCount64).
	Name string
	// pairRow adds to out[k] the joint counts of LF i against LF i+1+k,
	// for k < len(out): x holds LF i's words (positive bits, then negative
	// bits at x[stride/2:]), ys those of LF i+1 onwards, stride words
	// apart, and nw words of each bitset are counted.
	pairRow func(x, ys []uint64, stride, nw int, out []PairCounts)
	// popcount returns the number of set bits in ws.
	popcount func(ws []uint64) int64
}

// Count adds the counts of the n x m vote matrix votes to dst with this
// kernel, exactly as the package-level Count does with the best kernel,
// and panics as Count does.
func (k Kernel) Count(dst Counts, votes []int8, m int) {
	countWith("Kernel.Count", k, dst, votes, m)
}

// Popcount returns the number of set bits in ws with this kernel's
// popcount instructions and no other work: the bare loop whose throughput
// is the pair-count kernel's roofline.
func (k Kernel) Popcount(ws []uint64) int64 { return k.popcount(ws) }

// Kernels returns the kernels this machine can run, fastest first; the
// portable "go" kernel is always last. With the purego build tag, or off
// amd64, it is the only one.
func Kernels() []Kernel {
	return append(archKernels(), goKernel)
}

// best is the kernel Count uses, chosen once from the CPU's features.
var best = Kernels()[0]

var goKernel = Kernel{Name: "go", pairRow: pairRowGo, popcount: popcountGo}

// pairRowGo is the portable pair-count loop.
func pairRowGo(x, ys []uint64, stride, nw int, out []PairCounts) {
	half := stride / 2
	a, c := x[:nw], x[half:half+nw]
	for k := range out {
		y := ys[k*stride:]
		d, e := y[:nw], y[half:half+nw]
		var pp, pn, np, nn int
		for w := range a {
			ai, ci := a[w], c[w]
			di, ei := d[w], e[w]
			pp += bits.OnesCount64(ai & di)
			pn += bits.OnesCount64(ai & ei)
			np += bits.OnesCount64(ci & di)
			nn += bits.OnesCount64(ci & ei)
		}
		p := &out[k]
		p.PP += int64(pp)
		p.PN += int64(pn)
		p.NP += int64(np)
		p.NN += int64(nn)
	}
}

func popcountGo(ws []uint64) int64 {
	var s int
	for _, w := range ws {
		s += bits.OnesCount64(w)
	}
	return int64(s)
}
