package cpu

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"
)

// validChunk is the share of votes one goroutine of ValidVotes checks at
// least: below it the goroutine would cost more than it saves.
const validChunk = 1 << 20

// ValidVotes reports whether every entry of votes is -1 or +1, or also 0
// when abstain is true: the check that callers (package labelmodel) run
// before the kernels, which do not check votes. It reads 32 votes per
// instruction where the CPU allows and spreads long inputs over GOMAXPROCS
// goroutines.
func ValidVotes(votes []int8, abstain bool) bool {
	workers := min(runtime.GOMAXPROCS(0), len(votes)/validChunk)
	if workers <= 1 {
		return validRange(asBytes(votes), abstain)
	}
	per := (len(votes) + workers - 1) / workers
	var bad atomic.Bool
	var wg sync.WaitGroup
	for lo := 0; lo < len(votes); lo += per {
		part := asBytes(votes[lo:min(lo+per, len(votes))])
		wg.Go(func() {
			if !validRange(part, abstain) {
				bad.Store(true)
			}
		})
	}
	wg.Wait()
	return !bad.Load()
}

// validRange is ValidVotes on one goroutine: the vector path where this
// build has one, then validWords for what it leaves.
func validRange(b []byte, abstain bool) bool {
	done, ok := vectorValid(b, abstain)
	return ok && validWords(b[done:], abstain)
}

// validWords checks 8 votes at a time: adding 1 to each byte (without
// carries between bytes) maps -1, 0, +1 to 0, 1, 2, so a word is valid
// when no byte is other than 0, 1 or 2 (0 or 2 without abstentions).
func validWords(b []byte, abstain bool) bool {
	const low7, high, one = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080, 0x0101010101010101
	mask := uint64(0xfcfcfcfcfcfcfcfc)
	if !abstain {
		mask = 0xfdfdfdfdfdfdfdfd
	}
	var bad uint64
	k := 0
	for ; k+8 <= len(b); k += 8 {
		x := binary.LittleEndian.Uint64(b[k:])
		y := ((x & low7) + one) ^ (x & high)
		bad |= y&mask | (y>>1)&y&one // bits above the lowest two, or a byte of 3
	}
	for ; k < len(b); k++ {
		y := uint64(b[k] + 1)
		bad |= y&mask&0xff | (y>>1)&y&1
	}
	return bad == 0
}

// votesBoundsAgree tells whether bounds, the vector routine behind
// vectorValid, gives on every byte value at every position of two vectors
// the maxima the definition does: hi = max of vote+1 and nz = max of
// (vote+1) XOR 0xFE over the bytes (as uint8). It runs once at start-up.
func votesBoundsAgree(bounds func(p *byte, vecs int) (hi, nz uint8)) bool {
	b := make([]byte, 64)
	for pos := 0; pos < len(b); pos += 7 {
		for v := 0; v < 256; v++ {
			for k := range b {
				b[k] = byte(k % 2 * 2) // votes -1 and +1
			}
			b[pos] = byte(v)
			var hi, nz uint8
			for _, x := range b {
				hi, nz = max(hi, x+1), max(nz, (x+1)^0xfe)
			}
			if h, z := bounds(&b[0], 2); h != hi || z != nz {
				return false
			}
		}
	}
	return true
}
