package cpu

// verified returns the kernels of ks that agree with the portable kernel
// on a deterministic set of small cases (word counts around every unroll
// and fold boundary), so a fast path that is wrong on this machine (a CPU
// or an assembler the tests never ran on) is never chosen; it costs well
// under a millisecond at start-up. The cross-check tests still compare
// every kernel with the reference loop on many more cases.
func verified(ks []Kernel) []Kernel {
	var ok []Kernel
	for _, k := range ks {
		if agrees(k) {
			ok = append(ok, k)
		}
	}
	return ok
}

// agrees compares k with the portable kernel on pseudo-random bitsets.
func agrees(k Kernel) bool {
	next := xorshift(0x9E3779B97F4A7C15)
	for _, nw := range []int{1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 124, 125, 250, 251} {
		const nj = 3
		stride := 2 * nw
		x := make([]uint64, stride)
		ys := make([]uint64, nj*stride)
		for i := range x {
			x[i] = next()
		}
		for i := range ys {
			ys[i] = next()
			if i%5 == 0 {
				ys[i] = ^uint64(0) // all-ones words: the byte-counter folds
			}
		}
		want, got := make([]PairCounts, nj), make([]PairCounts, nj)
		goKernel.pairRow(x, ys, stride, nw, want)
		k.pairRow(x, ys, stride, nw, got)
		for j := range want {
			if want[j] != got[j] {
				return false
			}
		}
		if k.popcount(ys) != goKernel.popcount(ys) {
			return false
		}
	}
	return true
}
