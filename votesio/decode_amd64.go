//go:build amd64 && !purego

package votesio

import "golang.org/x/sys/cpu"

//go:noescape
func votesAVX2(dst *int8, src *byte, n int, tables *[32]byte) (ok bool)

// useVector is whether the float64 decoder runs its AVX2 loop; tests turn
// it off to hold the portable loop to the same results.
var useVector = cpu.X86.HasAVX2

// vectorVotes decodes the longest prefix of dst whose length is a multiple
// of 16 with AVX2 (nothing without it) and returns its length and whether
// every value in it was a vote the convention accepts (see votesAVX2).
func vectorVotes(dst []int8, raw []byte, tables *[32]byte) (int, bool) {
	n := len(dst) &^ 15
	if !useVector || n == 0 {
		return 0, true
	}
	_ = raw[8*n-1]
	return n, votesAVX2(&dst[0], &raw[0], n, tables)
}
