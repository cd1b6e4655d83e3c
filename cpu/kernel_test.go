package cpu

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// pairRowNaive is the pair-row contract written out bit by bit, the
// reference every kernel is held to.
func pairRowNaive(x, ys []uint64, stride, nw int, out []PairCounts) {
	half := stride / 2
	for k := range out {
		y := ys[k*stride:]
		for w := 0; w < nw; w++ {
			for b := uint(0); b < 64; b++ {
				a, c := x[w]>>b&1, x[half+w]>>b&1
				d, e := y[w]>>b&1, y[half+w]>>b&1
				out[k].PP += int64(a & d)
				out[k].PN += int64(a & e)
				out[k].NP += int64(c & d)
				out[k].NN += int64(c & e)
			}
		}
	}
}

func randomWords(r *rand.Rand, n int) []uint64 {
	ws := make([]uint64, n)
	for i := range ws {
		// Mix dense, sparse and all-ones words so byte counters fill up.
		switch r.IntN(4) {
		case 0:
			ws[i] = ^uint64(0)
		case 1:
			ws[i] = r.Uint64() & r.Uint64() & r.Uint64()
		default:
			ws[i] = r.Uint64()
		}
	}
	return ws
}

// checkPairRow runs kernel k and the naive loop on the same arguments and
// reports any difference; out starts non-zero to check that kernels add.
func checkPairRow(t *testing.T, k Kernel, x, ys []uint64, stride, nw, nj int) {
	t.Helper()
	got := make([]PairCounts, nj)
	for i := range got {
		got[i] = PairCounts{int64(i), 7, -3, 1 << 40}
	}
	want := slices.Clone(got)
	k.pairRow(x, ys, stride, nw, got)
	pairRowNaive(x, ys, stride, nw, want)
	if !slices.Equal(got, want) {
		t.Fatalf("kernel %s, nw=%d stride=%d nj=%d: got %v, want %v", k.Name, nw, stride, nj, got, want)
	}
}

// Every kernel this machine runs agrees with the naive loop on every
// number of words up to 70 (each tail length of every vector width),
// around the byte-counter fold at 31 vectors, and on odd strides.
func TestKernelsMatchNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sizes := []int{}
	for nw := 0; nw <= 70; nw++ {
		sizes = append(sizes, nw)
	}
	sizes = append(sizes, 123, 124, 125, 127, 128, 129, 247, 248, 249, 1000, 1003)
	for _, k := range Kernels() {
		for _, nw := range sizes {
			for _, pad := range []int{0, 1, 5} {
				stride := 2*nw + pad
				nj := 1 + r.IntN(4)
				x := randomWords(r, stride)
				ys := randomWords(r, nj*stride)
				checkPairRow(t, k, x, ys, stride, nw, nj)
			}
			// All ones: every byte counter gains 8 per vector, the most
			// it can hold before the fold.
			ones := make([]uint64, 3*2*nw)
			for i := range ones {
				ones[i] = ^uint64(0)
			}
			checkPairRow(t, k, ones, ones[2*nw:], 2*nw, nw, 2)
		}
	}
}

func TestKernelPopcount(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, k := range Kernels() {
		for n := 0; n < 300; n += 1 + n/20 {
			ws := randomWords(r, n)
			if n%2 == 1 {
				for i := range ws {
					ws[i] = ^uint64(0)
				}
			}
			var want int64
			for _, w := range ws {
				want += int64(bits.OnesCount64(w))
			}
			if got := k.Popcount(ws); got != want {
				t.Fatalf("kernel %s: popcount of %d words = %d, want %d", k.Name, n, got, want)
			}
		}
	}
}

// Count through every kernel equals CountReference on row counts around
// the 64-row word and the 4096-row block.
func TestKernelCountsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, sz := range []struct{ n, m int }{{1, 2}, {63, 3}, {65, 9}, {257, 4}, {4095, 5}, {4096, 2}, {4097, 6}, {9000, 11}} {
		votes := randomVotes(r, sz.n, sz.m, 0.2)
		want := NewCounts(sz.m)
		CountReference(want, votes, sz.m)
		for _, k := range Kernels() {
			got := NewCounts(sz.m)
			k.Count(got, votes, sz.m)
			if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
				t.Errorf("kernel %s, n=%d m=%d: counts differ from the reference", k.Name, sz.n, sz.m)
			}
		}
	}
}

func TestGoKernelIsLast(t *testing.T) {
	ks := Kernels()
	if ks[len(ks)-1].Name != "go" {
		t.Fatalf("last kernel is %q, want the portable go kernel", ks[len(ks)-1].Name)
	}
	if best.Name != ks[0].Name {
		t.Fatalf("Count uses %q, not the first kernel %q", best.Name, ks[0].Name)
	}
}

// FuzzKernels holds every kernel equal to the naive loop on arbitrary
// bits, word counts, strides and numbers of LFs.
func FuzzKernels(f *testing.F) {
	f.Add([]byte{0xff, 1, 2, 3}, uint8(1), uint8(0), uint8(1))
	f.Add(make([]byte, 8*40), uint8(9), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, nw8, pad8, nj8 uint8) {
		nw, pad, nj := int(nw8), int(pad8%8), 1+int(nj8%4)
		stride := 2*nw + pad
		words := make([]uint64, (nj+1)*stride)
		for i := range words {
			var b [8]byte
			copy(b[:], data[min(len(data), 8*i):])
			words[i] = binary.LittleEndian.Uint64(b[:])
		}
		for _, k := range Kernels() {
			checkPairRow(t, k, words[:stride], words[stride:], stride, nw, nj)
			var want int64
			for _, w := range words {
				want += int64(bits.OnesCount64(w))
			}
			if got := k.Popcount(words); got != want {
				t.Fatalf("kernel %s: popcount %d, want %d", k.Name, got, want)
			}
		}
	})
}

// packBlock sets exactly the bits of the votes, for LF counts around the
// 8-vote and 64-LF tiles and row counts around the 64-row word.
func TestPackBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, m := range []int{1, 3, 7, 8, 9, 63, 64, 65, 130} {
		for _, rows := range []int{1, 63, 64, 65, 200} {
			words := (rows+63)/64 + 1
			block := randomVotes(r, rows, m, 0.3)
			packed := randomWords(r, 2*m*words) // stale bits must go
			nw := packBlock(packed, block, m, words)
			if nw != (rows+63)/64 {
				t.Fatalf("m=%d rows=%d: %d words, want %d", m, rows, nw, (rows+63)/64)
			}
			for i := 0; i < m; i++ {
				for row := 0; row < 64*nw; row++ {
					var v int8
					if row < rows {
						v = block[row*m+i]
					}
					p := packed[2*i*words+row/64] >> (row % 64) & 1
					n := packed[(2*i+1)*words+row/64] >> (row % 64) & 1
					if p != b2u(v == 1) || n != b2u(v == -1) {
						t.Fatalf("m=%d rows=%d: LF %d row %d vote %d packed as +%d -%d", m, rows, i, row, v, p, n)
					}
				}
			}
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// The start-up check rejects a kernel that disagrees with the portable one.
func TestVerifiedDropsAWrongKernel(t *testing.T) {
	off := Kernel{Name: "off-by-one", popcount: popcountGo, pairRow: func(x, ys []uint64, stride, nw int, out []PairCounts) {
		pairRowGo(x, ys, stride, nw, out)
		out[len(out)-1].NN++
	}}
	if ks := verified([]Kernel{off, goKernel}); len(ks) != 1 || ks[0].Name != "go" {
		t.Fatalf("verified kept %v", ks)
	}
	for _, k := range Kernels() {
		if !agrees(k) {
			t.Errorf("kernel %s disagrees with the portable kernel", k.Name)
		}
	}
}
