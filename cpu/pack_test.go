package cpu

import (
	"math/rand/v2"
	"testing"
)

// naiveTranspose returns a transposed bit by bit: bit c of row r becomes
// bit r of row c.
func naiveTranspose(a [64]uint64) [64]uint64 {
	var t [64]uint64
	for r := 0; r < 64; r++ {
		for c := 0; c < 64; c++ {
			t[c] |= (a[r] >> c & 1) << r
		}
	}
	return t
}

// transposeCases returns random, sparse, single-bit and all-ones 64 x 64
// bit matrices.
func transposeCases(r *rand.Rand) [][64]uint64 {
	var cs [][64]uint64
	for k := 0; k < 20; k++ {
		var a [64]uint64
		for i := range a {
			a[i] = r.Uint64()
			if k%2 == 1 {
				a[i] &= r.Uint64() & r.Uint64()
			}
		}
		cs = append(cs, a)
	}
	for _, bit := range []int{0, 1, 63, 64, 65, 127, 2015, 4032, 4095} {
		var a [64]uint64
		a[bit/64] = 1 << (bit % 64)
		cs = append(cs, a)
	}
	var ones [64]uint64
	for i := range ones {
		ones[i] = ^uint64(0)
	}
	return append(cs, ones)
}

// transpose64 and transposeTile (the vector one where this build has
// it) equal the bit-by-bit transpose.
func TestTransposeTile(t *testing.T) {
	for _, a := range transposeCases(rand.New(rand.NewPCG(19, 20))) {
		want := naiveTranspose(a)
		got, tile := a, a
		transpose64(&got)
		transposeTile(&tile)
		if got != want || tile != want {
			t.Fatalf("transpose of %x: transpose64 %x, transposeTile %x, want %x", a, got, tile, want)
		}
	}
}
