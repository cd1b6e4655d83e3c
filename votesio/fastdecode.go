package votesio

import (
	"encoding/binary"
	"math"
)

// float64Votes returns a fast decoder for little-endian float64 files whose
// values under conv are -1, 0 and +1 (binary conventions), or nil. The
// decoder fills dst from raw (8 bytes per value) and reports true; on any
// other value (NaN, 2, 0.5, a value the convention rejects) it reports
// false and the caller's general loop finds and names the bad value.
func float64Votes(conv Convention) func(dst []int8, raw []byte) bool {
	if !conv.Binary() {
		return nil
	}
	// table[c]: the vote of -1 (c = 0), 0 (c = 1) and +1 (c = 2), or
	// invalid.
	const invalid = 2
	var table [3]int8
	for c, x := range []float64{-1, 0, 1} {
		v, ok := conv.vote(x)
		if !ok {
			v = invalid
		}
		table[c] = v
	}
	one := math.Float64bits(1)
	return func(dst []int8, raw []byte) bool {
		ok := true
		for k := range dst {
			u := binary.LittleEndian.Uint64(raw[8*k:])
			mag := u &^ (1 << 63)
			// 0 and -0 are class 1; +1 is class 2 and -1 class 0.
			nz := int(mag>>52) & 1
			c := 1 + nz - 2*nz*int(u>>63)
			v := table[c]
			ok = ok && (mag == 0 || mag == one) && v != invalid
			dst[k] = v
		}
		return ok
	}
}
