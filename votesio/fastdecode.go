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
//
// It is branch-free (SWAR on each 64-bit word): ±0 and ±1 are exactly the
// float64s whose bits below the sign are 0x3FF<<52 times their exponent's
// low bit (bit 52), so one XOR tells a vote from any other value; bit 52
// and the sign bit then shift a packed table that holds each class's vote
// and whether the convention refuses it (a gold label's abstain value),
// and one accumulator collects every defect. Where the CPU has AVX2, a
// vector loop (vectorVotes) does the same 16 values at a time and this
// loop only the tail.
func float64Votes(conv Convention) func(dst []int8, raw []byte) bool {
	if !conv.Binary() {
		return nil
	}
	// Class c = nz<<1 | sign (nz: the value is ±1) at bits 8c (its vote)
	// and 32+8c (set when the convention refuses it).
	// The vector loop's tables are indexed by the top nibble: 0, 8, 3 and
	// 0xB for the classes (see vectorVotes).
	var table uint64
	var tables [32]byte
	for c, x := range []float64{0, math.Copysign(0, -1), 1, -1} {
		v, ok := conv.vote(x)
		table |= uint64(uint8(v)) << (8 * c)
		nibble := math.Float64bits(x) >> 60
		tables[nibble] = byte(v)
		if !ok {
			table |= 1 << (32 + 8*c)
			tables[16+nibble] = 0xFF
		}
	}
	const sign, bit52 = 1 << 63, 1 << 52
	return func(dst []int8, raw []byte) bool {
		n, ok := vectorVotes(dst, raw, &tables)
		if !ok {
			return false
		}
		dst, raw = dst[n:], raw[8*n:8*len(dst)]
		var bad uint64
		for k := range dst {
			u := binary.LittleEndian.Uint64(raw[8*k : 8*k+8])
			t := table >> (u>>48&16 | u>>60&8)
			bad |= u&^sign ^ (u&bit52)*0x3FF | t>>32&1
			dst[k] = int8(t)
		}
		return bad == 0
	}
}
