package cpu

// rowMasksFunc is the signature of the vector row-mask routines: for each
// of rows rows, m bytes apart from p, the votes at the row's start become
// bit k of pos (vote +1) and of neg (vote -1), ANDed with keep.
type rowMasksFunc func(p *int8, m, rows int, keep uint64, pos, neg *uint64)

// packAgrees tells whether a vector 64 x 64 bit transpose and row-mask
// routines (each reading up to widest votes a row) equal transpose64 and
// the vote definitions on pseudo-random bits and votes, so packBlock never
// uses a vector path that is wrong on this CPU; it costs a few
// microseconds at start-up. The cross-check tests compare them on many
// more cases.
func packAgrees(transpose func(a *[64]uint64), rowMasks map[int]rowMasksFunc) bool {
	next := xorshift(0x2545F4914F6CDD1D)
	for round := 0; round < 4; round++ {
		var a, want [64]uint64
		for i := range a {
			a[i] = next()
		}
		want = a
		transpose64(&want)
		transpose(&a)
		if a != want {
			return false
		}
	}
	for widest, masks := range rowMasks {
		if !rowMasksAgree(masks, widest, next) {
			return false
		}
	}
	return true
}

// rowMasksAgree checks rowMasks, which reads up to widest votes a row, on
// votes drawn from next.
func rowMasksAgree(rowMasks rowMasksFunc, widest int, next func() uint64) bool {
	for _, m := range []int{64, 65, 100} {
		const rows = 64
		block := make([]int8, rows*m)
		for i := range block {
			block[i] = int8(next()%3) - 1
		}
		for _, width := range []int{1, widest/2 + 1, widest} {
			var pos, neg, wpos, wneg [64]uint64
			keep := ^uint64(0) >> (64 - width)
			rowMasks(&block[0], m, rows-1, keep, &pos[0], &neg[0])
			for r := 0; r < rows-1; r++ {
				for c := 0; c < width; c++ {
					switch block[r*m+c] {
					case 1:
						wpos[r] |= 1 << c
					case -1:
						wneg[r] |= 1 << c
					}
				}
			}
			if pos != wpos || neg != wneg {
				return false
			}
		}
	}
	return true
}

// xorshift returns a deterministic xorshift64 generator started at seed
// (not zero), for the start-up checks.
func xorshift(seed uint64) func() uint64 {
	state := seed
	return func() uint64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return state
	}
}
