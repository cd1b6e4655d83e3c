//go:build !amd64 || purego

package cpu

// vectorRowMasks has no vector path in this build: every row goes to the
// portable loop.
func vectorRowMasks(pos, neg *[64]uint64, block []int8, m, r0, r1, c0, width int) int {
	return r0
}

// transposeTile is transpose64: this build has no vector transpose.
func transposeTile(a *[64]uint64) { transpose64(a) }

// packAVX2 is false: this build has no vector packing.
const packAVX2 = false
