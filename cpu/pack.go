package cpu

import (
	"encoding/binary"
	"unsafe"
)

// packBlock packs the rows of block (row-major, m columns, at most
// 64*words rows) into per-LF bitsets, 2*words words per LF: bit r of
// packed[2*i*words:] is set when row r votes +1 on LF i, and bit r of
// packed[(2*i+1)*words:] when it votes -1. It returns the number of words
// used per bitset; words past that are left as they were.
//
// It works on 64-row by 64-LF tiles: eight votes at a time become eight
// bits of a row mask (one multiply gathers them), and a 64 x 64 bit
// transpose turns the 64 row masks into 64 LF bitset words.
func packBlock(packed []uint64, block []int8, m, words int) int {
	rows := len(block) / m
	nw := (rows + 63) / 64
	var pos, neg [64]uint64
	for w := 0; w < nw; w++ {
		r0, r1 := 64*w, min(64*w+64, rows)
		for c0 := 0; c0 < m; c0 += 64 {
			c1 := min(c0+64, m)
			rowMasks(&pos, &neg, block, m, r0, r1, c0, c1-c0)
			// The vector transpose is cheaper than the narrow one at any
			// width; the portable one only past 32 LFs.
			if c1-c0 > 32 || packAVX2 {
				transposeTile(&pos)
				transposeTile(&neg)
				for i := c0; i < c1; i++ {
					packed[2*i*words+w] = pos[i-c0]
					packed[(2*i+1)*words+w] = neg[i-c0]
				}
				continue
			}
			// A narrow tile: 8 x 8 bit transposes of 8 LFs at a time.
			for g := c0; g < c1; g += 8 {
				narrowColumns(packed[2*g*words+w:], &pos, g-c0, min(8, c1-g), 2*words)
				narrowColumns(packed[(2*g+1)*words+w:], &neg, g-c0, min(8, c1-g), 2*words)
			}
		}
	}
	return nw
}

// rowMasks sets pos[k] and neg[k], k < 64, to the masks of the votes of row
// r0+k on LFs [c0, c0+width), width <= 64 (bit l for LF c0+l), and to zero
// past row r1.
func rowMasks(pos, neg *[64]uint64, block []int8, m, r0, r1, c0, width int) {
	r := vectorRowMasks(pos, neg, block, m, r0, r1, c0, width)
	for ; r < r1; r++ {
		var p, n uint64
		for g := 0; g < width; g += 8 {
			gp, gn := groupBits(block, r*m+c0+g, min(8, width-g))
			p |= gp << g
			n |= gn << g
		}
		pos[r-r0], neg[r-r0] = p, n
	}
	clear(pos[r1-r0:])
	clear(neg[r1-r0:])
}

// narrowColumns writes dst[c*stride], c < width <= 8, the 64-row bitset of
// column shift+c of the 64 row masks a, through eight 8 x 8 bit
// transposes.
func narrowColumns(dst []uint64, a *[64]uint64, shift, width, stride int) {
	var out [8]uint64
	for q := 0; q < 8; q++ {
		var x uint64
		for k := 0; k < 8; k++ {
			x |= (a[8*q+k] >> shift & 0xff) << (8 * k)
		}
		x = transpose8(x)
		for c := 0; c < width; c++ {
			out[c] |= (x >> (8 * c) & 0xff) << (8 * q)
		}
	}
	for c := 0; c < width; c++ {
		dst[c*stride] = out[c]
	}
}

// groupBits returns bit k set in pos when block[off+k] is +1 and in neg
// when it is -1, for k < width <= 8. It reads 8 votes at once when the
// block has them.
func groupBits(block []int8, off, width int) (pos, neg uint64) {
	var x uint64
	if off+8 <= len(block) {
		x = binary.LittleEndian.Uint64(asBytes(block[off : off+8]))
	} else {
		for k, v := range block[off:min(off+width, len(block))] {
			x |= uint64(uint8(v)) << (8 * k)
		}
	}
	pos, neg = byteMasks(x)
	keep := uint64(1)<<width - 1
	return pos & keep, neg & keep
}

// transpose8 transposes the 8 x 8 bit matrix in x: bit c of byte r
// becomes bit r of byte c (Hacker's Delight, 7-3).
func transpose8(x uint64) uint64 {
	x = x&0xAA55AA55AA55AA55 | (x&0x00AA00AA00AA00AA)<<7 | (x>>7)&0x00AA00AA00AA00AA
	x = x&0xCCCC3333CCCC3333 | (x&0x0000CCCC0000CCCC)<<14 | (x>>14)&0x0000CCCC0000CCCC
	return x&0xF0F0F0F00F0F0F0F | (x&0x00000000F0F0F0F0)<<28 | (x>>28)&0x00000000F0F0F0F0
}

// byteMasks takes eight votes, one per byte (+1 is 0x01, -1 is 0xFF), and
// returns bit k set in pos when byte k is +1 and in neg when it is -1.
func byteMasks(x uint64) (pos, neg uint64) {
	const low = 0x0101010101010101
	// Bit 1 of a byte tells a negative vote; bit 0 alone a positive one.
	n := (x >> 1) & low
	p := x & low &^ n
	// The multiply moves bit 0 of byte k to bit 56+k, and nothing else
	// reaches bits 56 to 63.
	const gather = 0x0102040810204080
	return (p * gather) >> 56, (n * gather) >> 56
}

// transpose64 transposes a 64 x 64 bit matrix in place: bit c of a[r]
// becomes bit r of a[c]. Each round swaps the off-diagonal blocks of
// every j x j tile (Hacker's Delight, 7-3).
func transpose64(a *[64]uint64) {
	mask := uint64(0x00000000FFFFFFFF)
	for j := 32; j != 0; j, mask = j>>1, mask^(mask<<(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>j ^ a[k+j]) & mask
			a[k] ^= t << j
			a[k+j] ^= t
		}
	}
}

// asBytes views votes as bytes (same size, same bits).
func asBytes(votes []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(votes))), len(votes))
}
