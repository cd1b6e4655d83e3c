//go:build !nocuda

package cuda

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/kernels"
)

func sameCounts(a, b cpu.Counts) bool {
	return slices.Equal(a.Pos, b.Pos) && slices.Equal(a.Neg, b.Neg) && slices.Equal(a.Pairs, b.Pairs)
}

// forEachCountPath runs f with the device counting on the tensor cores
// (squid_pair_counts_mma) and with the popcount kernels (squid_pack +
// squid_pair_counts), whatever the device would choose, and restores its
// choice.
func forEachCountPath(t *testing.T, f func(path string)) {
	t.Helper()
	saved := dev.mma
	defer func() { dev.mma = saved }()
	for _, mma := range []bool{true, false} {
		dev.mma = mma
		f(dev.CountKernels())
	}
}

// The device counts on the tensor cores where they exist (compute
// capability 8.0 and newer: the stand-in reports 9.0, as an H200).
func TestCountKernelChoice(t *testing.T) {
	var major int
	if err := dev.do(func() (err error) {
		d, err := cu.CurrentDevice()
		if err == nil {
			major, err = d.Attribute(cu.ComputeCapabilityMajor)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := kernels.Pack + "+" + kernels.PairCounts
	if major >= 8 {
		want = kernels.PairCountsMma
	}
	if got := dev.CountKernels(); got != want {
		t.Errorf("compute capability %d.x counts with %s, want %s", major, got, want)
	}
}

// Both counting designs give cpu.CountReference's counts for every m from
// 1 to 48, then every 7th up to 300 and a few large ones (one to three
// side tiles of the tensor-core kernel, its cross units' halves, 16-byte,
// 4-byte and byte staging), on odd row counts, from host memory (in
// several chunks for some) and from device memory.
func TestCountPathsMatchCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	var ms []int
	for m := 1; m <= 300; m++ {
		if m <= 24 || (m+1)%32 <= 2 || (m+1)%16 == 0 || m%13 == 0 || m == 112 || m == 113 || m == 176 || m == 177 || m == 300 {
			ms = append(ms, m)
		}
	}
	ms = append(ms, 513, 2048)
	defer func() { dev.ChunkBytes = 0 }()
	forEachCountPath(t, func(path string) {
		for k, m := range ms {
			if m == 2048 && path != kernels.PairCountsMma {
				continue
			}
			n := 2*(k%29) + 1 + 64*(k%3)
			if m > 300 {
				n = 37
			}
			votes := randomVotes(r, n, m)
			want := cpu.NewCounts(m)
			cpu.CountReference(want, votes, m)
			dev.ChunkBytes = 0
			if k%4 == 1 {
				dev.ChunkBytes = m * 32 // chunks of 32 rows
			}
			got := cpu.NewCounts(m)
			if err := dev.Count(got, votes, m); err != nil {
				t.Fatalf("%s: n=%d m=%d: %v", path, n, m, err)
			}
			if !sameCounts(got, want) {
				t.Errorf("%s: n=%d m=%d chunk=%d: Count differs from the CPU reference", path, n, m, dev.ChunkBytes)
			}
			if k%3 != 0 {
				continue
			}
			v, err := dev.Upload(votes, m)
			if err != nil {
				t.Fatal(err)
			}
			resident := cpu.NewCounts(m)
			err = dev.CountDevice(resident, v)
			if err := errors.Join(err, v.Free()); err != nil {
				t.Fatalf("%s: n=%d m=%d: %v", path, n, m, err)
			}
			if !sameCounts(resident, want) {
				t.Errorf("%s: n=%d m=%d: CountDevice differs from the CPU reference", path, n, m)
			}
		}
	})
}

// Votes uploaded once and counted on the device give cpu.CountReference's
// counts, call after call (the scratch reused, grown and shrunk between
// shapes), and added to what dst held.
func TestCountDeviceMatchesCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	forEachCountPath(t, func(path string) {
		for _, c := range []struct{ n, m int }{{1, 1}, {33, 5}, {4097, 17}, {999, 128}, {2001, 100}, {65, 1025}, {3, 2}} {
			votes := randomVotes(r, c.n, c.m)
			want := cpu.NewCounts(c.m)
			cpu.CountReference(want, votes, c.m)
			v, err := dev.Upload(votes, c.m)
			if err != nil {
				t.Fatal(err)
			}
			if v.Rows() != c.n || v.LFs() != c.m {
				t.Errorf("Upload: %d x %d, want %d x %d", v.Rows(), v.LFs(), c.n, c.m)
			}
			got := cpu.NewCounts(c.m)
			for range 2 {
				if err := dev.CountDevice(got, v); err != nil {
					t.Fatalf("%s: n=%d m=%d: %v", path, c.n, c.m, err)
				}
			}
			want.Add(want)
			if !sameCounts(got, want) {
				t.Errorf("%s: n=%d m=%d: device-resident counts (twice) differ from twice the CPU reference", path, c.n, c.m)
			}
			if err := v.Free(); err != nil {
				t.Fatal(err)
			}
			if err := v.Free(); err != nil {
				t.Errorf("second Free: %v", err)
			}
			if err := dev.CountDevice(cpu.NewCounts(c.m), v); err == nil {
				t.Error("CountDevice accepted freed votes")
			}
		}
	})
}

// Bad arguments are errors naming what is wrong, not panics.
func TestCountDeviceArguments(t *testing.T) {
	if _, err := dev.Upload(make([]int8, 7), 3); err == nil {
		t.Error("Upload accepted 7 votes for m = 3")
	}
	if _, err := dev.Upload(make([]int8, 6), 0); err == nil {
		t.Error("Upload accepted m = 0")
	}
	v, err := dev.Upload(make([]int8, 6), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Free()
	if err := dev.CountDevice(cpu.NewCounts(4), v); err == nil {
		t.Error("CountDevice accepted counts for 4 LFs on votes of 3")
	}
	if err := dev.CountDevice(cpu.NewCounts(3), nil); err == nil {
		t.Error("CountDevice accepted nil votes")
	}
	if err := dev.Count(cpu.Counts{Pos: make([]int64, 3), Neg: make([]int64, 3)}, make([]int8, 6), 3); err == nil {
		t.Error("Count accepted counts without pair slots")
	}
}

// Release frees the count scratch (pinned buffers, bitsets, streams);
// counting afterwards allocates it again and still agrees with the CPU,
// and no device memory is left behind.
func TestReleaseFreesTheScratch(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	if err := dev.Release(); err != nil {
		t.Fatal(err)
	}
	before := dev.FreeMemory()
	votes := randomVotes(r, 5000, 9)
	want := cpu.NewCounts(9)
	cpu.CountReference(want, votes, 9)
	got := cpu.NewCounts(9)
	if err := dev.Count(got, votes, 9); err != nil {
		t.Fatal(err)
	}
	if dev.FreeMemory() >= before {
		t.Error("Count kept no scratch on the device")
	}
	if err := dev.Release(); err != nil {
		t.Fatal(err)
	}
	if after := dev.FreeMemory(); after != before {
		t.Errorf("free memory %d after Release, %d before the count", after, before)
	}
	if err := dev.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	again := cpu.NewCounts(9)
	if err := dev.Count(again, votes, 9); err != nil {
		t.Fatal(err)
	}
	if !sameCounts(got, want) || !sameCounts(again, want) {
		t.Error("counts before or after Release differ from the CPU reference")
	}
}

// The counting shapes stay inside the kernels' limits: shared memory of
// the pack, grid y of the pair counts and of the tensor-core kernel, 32-bit
// counters, every row and work unit covered.
func TestCountShapes(t *testing.T) {
	for _, c := range []struct{ rows, m int }{{1, 1}, {31, 3}, {10_000_000, 100}, {10_000_000, 1000}, {1 << 31, 1}, {100, 5000}, {1 << 19, 2048}} {
		s := newCountShape(c.rows, c.m, false)
		if s.packWords*32*s.packLFs > 32768 || s.packWords*s.packLFs > 1024 || s.packWords < 1 {
			t.Errorf("rows=%d m=%d: pack %d words x %d LFs overflow its shared memory", c.rows, c.m, s.packWords, s.packLFs)
		}
		if int64(s.packGrid[0])*s.packWords < s.words || int64(s.packGrid[1])*s.packLFs < int64(c.m) {
			t.Errorf("rows=%d m=%d: pack grid %v misses words or LFs", c.rows, c.m, s.packGrid)
		}
		if s.pairGrid[1] > 65535 || int64(s.pairGrid[1])*s.pairWords < s.words || s.pairWords*32 >= 1<<31 {
			t.Errorf("rows=%d m=%d: pair grid %v with %d words per block", c.rows, c.m, s.pairGrid, s.pairWords)
		}
		if T := s.tilesPerSide; int64(s.pairGrid[0]) != T*(T+1)/2 || T*16 < int64(c.m) {
			t.Errorf("rows=%d m=%d: %d tiles for %d per side", c.rows, c.m, s.pairGrid[0], T)
		}
		sm := newCountShape(c.rows, c.m, true)
		T := int64(c.m+kernels.MMALFs-1) / kernels.MMALFs
		if !sm.mma || sm.bitsN != 0 || sm.countsLen != s.countsLen || int64(sm.mmaGrid[0]) != T*T {
			t.Errorf("rows=%d m=%d: mma shape %+v", c.rows, c.m, sm)
		}
		if sm.mmaGrid[1] > 65535 || int64(sm.mmaGrid[1])*sm.mmaRows < int64(c.rows) || sm.mmaRows%kernels.MMARows != 0 || sm.mmaRows >= 1<<31 {
			t.Errorf("rows=%d m=%d: mma grid %v with %d rows per block", c.rows, c.m, sm.mmaGrid, sm.mmaRows)
		}
	}
}
