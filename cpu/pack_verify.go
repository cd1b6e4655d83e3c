package cpu

// packAgrees tells whether the vector row masks and 64 x 64 bit transpose
// of this machine equal the portable rowMasks loop and transpose64 on
// pseudo-random votes and bits, so packBlock never uses a vector path that
// is wrong on this CPU; it costs a few microseconds at start-up. The
// cross-check tests compare them on many more cases.
func packAgrees(rowMasks func(p *int8, m, rows int, keep uint64, pos, neg *uint64), transpose func(a *[64]uint64)) bool {
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
	for _, m := range []int{64, 65, 100} {
		const rows = 64
		block := make([]int8, rows*m)
		for i := range block {
			block[i] = int8(next()%3) - 1
		}
		for _, width := range []int{1, 33, 64} {
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
