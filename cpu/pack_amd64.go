//go:build amd64 && !purego

package cpu

//go:noescape
func rowMasksAVX2(p *int8, m, rows int, keep uint64, pos, neg *uint64)

//go:noescape
func rowMasksNarrowAVX2(p *int8, m, rows int, keep uint64, pos, neg *uint64)

//go:noescape
func transpose64AVX2(a *[64]uint64)

// packAVX2 tells whether packBlock uses the AVX2 row masks and transpose:
// this CPU has AVX2 and all three routines agree with the portable code
// at start-up.
var packAVX2 = hasAVX2 && packAgrees(transpose64AVX2, map[int]rowMasksFunc{64: rowMasksAVX2, 32: rowMasksNarrowAVX2})

// vectorRowMasks fills pos[k] and neg[k] for the rows r0+k < r1 of LFs
// [c0, c0+width) that have 64 votes (32 for width <= 32) to read from
// their column c0, and
// returns the first row it left to the portable loop.
func vectorRowMasks(pos, neg *[64]uint64, block []int8, m, r0, r1, c0, width int) int {
	// One 32-byte load a row reads up to 32 LFs, two 64.
	read, masks := 64, rowMasksAVX2
	if width <= 32 {
		read, masks = 32, rowMasksNarrowAVX2
	}
	if !packAVX2 || len(block)-c0 < read {
		return r0
	}
	// Rows r with r*m+c0+read <= len(block).
	end := min(r1, (len(block)-c0-read)/m+1)
	if end <= r0 {
		return r0
	}
	masks(&block[r0*m+c0], m, end-r0, ^uint64(0)>>(64-width), &pos[0], &neg[0])
	return end
}

// transposeTile transposes the 64 x 64 bit matrix a in place, as
// transpose64 does, with AVX2 when packAVX2 allows.
func transposeTile(a *[64]uint64) {
	if packAVX2 {
		transpose64AVX2(a)
		return
	}
	transpose64(a)
}
