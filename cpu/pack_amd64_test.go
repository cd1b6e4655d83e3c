//go:build amd64 && !purego

package cpu

import (
	"math/rand/v2"
	"testing"
)

// withPackAVX2 runs f with packBlock's AVX2 path on and then off (when
// this machine has it), so both paths meet the same checks.
func withPackAVX2(t *testing.T, f func(t *testing.T)) {
	saved := packAVX2
	defer func() { packAVX2 = saved }()
	for _, on := range []bool{true, false} {
		if on && !saved {
			continue
		}
		packAVX2 = on
		f(t)
	}
}

// The AVX2 transpose equals the bit-by-bit transpose on random, sparse and
// structured matrices.
func TestTranspose64AVX2(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 on this machine")
	}
	for _, a := range transposeCases(rand.New(rand.NewPCG(21, 22))) {
		want := naiveTranspose(a)
		got := a
		transpose64AVX2(&got)
		if got != want {
			t.Fatalf("transpose64AVX2(%x) = %x, want %x", a, got, want)
		}
	}
}

// packBlock gives the same bits with the AVX2 row masks and transpose as
// with the portable code.
func TestPackBlockBothPaths(t *testing.T) {
	withPackAVX2(t, TestPackBlock)
	withPackAVX2(t, TestPackBlockStaysInBounds)
	withPackAVX2(t, TestKernelCountsMatchReference)
}

// The start-up check rejects a transpose or row-mask routine that is
// wrong in one bit, and accepts this machine's.
func TestPackAgreesRejectsWrongRoutines(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 on this machine")
	}
	masks := map[int]rowMasksFunc{64: rowMasksAVX2, 32: rowMasksNarrowAVX2}
	if !packAgrees(transpose64AVX2, masks) {
		t.Fatal("the AVX2 packing routines disagree with the portable ones")
	}
	offTranspose := func(a *[64]uint64) { transpose64AVX2(a); a[63] ^= 1 << 62 }
	if packAgrees(offTranspose, masks) {
		t.Fatal("packAgrees accepted a wrong transpose")
	}
	for widest, f := range masks {
		off := func(p *int8, m, rows int, keep uint64, pos, neg *uint64) {
			f(p, m, rows, keep, pos, neg)
			*neg ^= 1
		}
		if packAgrees(transpose64AVX2, map[int]rowMasksFunc{widest: off}) {
			t.Fatalf("packAgrees accepted wrong row masks of %d votes", widest)
		}
		// A routine that reads fewer votes than it claims to.
		if widest == 32 && packAgrees(transpose64AVX2, map[int]rowMasksFunc{64: f}) {
			t.Fatal("packAgrees accepted 32-vote row masks for 64 votes")
		}
	}
}

// The vote check gives the same answers without its AVX2 path, and the
// start-up check rejects a bounds routine wrong in one byte.
func TestValidVotesBothPaths(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 on this machine")
	}
	if !votesBoundsAgree(votesBoundsAVX2) {
		t.Fatal("the AVX2 vote bounds disagree with their definition")
	}
	off := func(p *byte, vecs int) (uint8, uint8) {
		hi, nz := votesBoundsAVX2(p, vecs)
		if *p == 3 {
			hi = 2
		}
		return hi, nz
	}
	if votesBoundsAgree(off) {
		t.Fatal("votesBoundsAgree accepted a wrong routine")
	}
	saved := validAVX2
	defer func() { validAVX2 = saved }()
	validAVX2 = false
	TestValidVotesMatchesPlain(t)
}
