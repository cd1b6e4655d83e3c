//go:build amd64 && !purego

package cpu

// votesBoundsAVX2 returns, over the 32*vecs bytes at p (vecs >= 1), the
// largest byte+1 (hi) and the largest (byte+1) XOR 0xFE (nz), all as uint8.
//
//go:noescape
func votesBoundsAVX2(p *byte, vecs int) (hi, nz uint8)

// validAVX2 tells whether vectorValid uses AVX2: this CPU has it and the
// routine agrees with its definition at start-up.
var validAVX2 = hasAVX2 && votesBoundsAgree(votesBoundsAVX2)

// vectorValid checks the whole 32-byte vectors at the start of b and
// returns how many bytes it checked and whether they are all valid votes.
// Every valid vote plus one is 0, 1 or 2, so hi <= 2; a vote of 0 is the
// only valid one with (vote+1) XOR 0xFE = 0xFF.
func vectorValid(b []byte, abstain bool) (done int, ok bool) {
	vecs := len(b) / 32
	if !validAVX2 || vecs == 0 {
		return 0, true
	}
	hi, nz := votesBoundsAVX2(&b[0], vecs)
	return 32 * vecs, hi <= 2 && (abstain || nz != 0xff)
}
