//go:build !nocuda

package cuda

import (
	"fmt"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/kernels"
)

// defaultChunkBytes is Device.ChunkBytes's default: the size of each of
// Count's two pinned staging buffers.
const defaultChunkBytes = 64 << 20

// pairBlocksTarget is the number of pair-count blocks a launch aims at:
// 16 per SM of an H200 (132 SMs, 8 resident blocks of 256 threads, twice
// over), so that the word range is split finely enough to fill the GPU.
const pairBlocksTarget = 132 * 16

// mmaBlocksTarget is the number of squid_pair_counts_mma blocks a launch
// aims at: 4 waves of the H200's 132 SMs, each holding one block (512
// threads of 128 registers fill its register file).
const mmaBlocksTarget = 132 * 4

// countShape is the launch shape of the counting kernels for rows x m
// votes: squid_pair_counts_mma when mma is set (no bitsets), else the pack
// and pair-count kernels.
type countShape struct {
	mma              bool
	mmaGrid          dim3  // squid_pair_counts_mma: work units x row slices
	mmaRows          int64 // squid_pair_counts_mma: rows per block
	words            int64 // 32-row words per LF
	packWords        int64 // squid_pack: words per block
	packLFs          int64 // squid_pack: LFs per block (column chunk)
	packGrid         dim3
	pairWords        int64 // squid_pair_counts: words per block
	pairGrid         dim3
	tilesPerSide     int64
	countsLen, bitsN int64 // uint64 counts (m*m*4), words of one bitset (m*words)
}

func newCountShape(rows, m int, mma bool) countShape {
	var s countShape
	s.countsLen = int64(m) * int64(m) * 4
	if mma {
		// Enough row slices to fill the GPU, whole steps of MMARows, at
		// most 65,535 of them (grid y), each under 2^31 rows (int32
		// accumulators).
		T := int64(blocks(int64(m), kernels.MMALFs))
		units := T * T
		per := max(int64(rows)*units/mmaBlocksTarget, kernels.MMARows, (int64(rows)+65534)/65535)
		per = (per + kernels.MMARows - 1) / kernels.MMARows * kernels.MMARows
		s.mma, s.mmaRows = true, per
		s.mmaGrid = dim3{int(units), blocks(int64(rows), per), 1}
		return s
	}
	s.words = int64(rows+31) / 32
	s.packLFs = int64(min(m, kernels.PackMaxLFs))
	s.packWords = max(1, min(8, kernels.PackMaxLFs/s.packLFs, kernels.PackTileBytes/(32*s.packLFs)))
	s.packGrid = dim3{blocks(s.words, s.packWords), blocks(int64(m), s.packLFs), 1}
	s.tilesPerSide = int64(blocks(int64(m), kernels.Tile))
	tiles := s.tilesPerSide * (s.tilesPerSide + 1) / 2
	// Enough word ranges to fill the GPU, whole 32-word chunks, at most
	// 65,535 of them (grid y), each under 2^26 words (32-bit counters).
	per := (s.words*tiles/pairBlocksTarget + 31) / 32 * 32
	per = max(per, 32, (s.words+65534)/65535)
	s.pairWords = per
	s.pairGrid = dim3{int(tiles), blocks(s.words, per), 1}
	s.bitsN = int64(m) * s.words
	return s
}

// launchCount queues the counts of rows x m votes at dv, adding into
// counts: squid_pair_counts_mma, or the pack and the pair counts (pos and
// neg hold at least bitsN words each).
func (d *Device) launchCount(s countShape, dv cu.DevicePtr, rows, m int, pos, neg, counts cu.DevicePtr) error {
	if s.mma {
		return d.launchPairCountsMma(s.mmaGrid, dim3{kernels.MMAThreads, 1, 1}, dv, int64(rows), int64(m), s.mmaRows, counts)
	}
	if err := d.launchPack(s.packGrid, dim3{kernels.PackThreads, 1, 1}, dv, int64(rows), int64(m), pos, neg,
		s.words, s.packWords, s.packLFs); err != nil {
		return err
	}
	return d.launchPairCounts(s.pairGrid, dim3{kernels.Tile * kernels.Tile, 1, 1}, pos, neg, int64(m), s.words, s.pairWords, counts)
}

// Count adds the counts of the n x m votes in host memory to dst, exactly
// as cpu.Count. The votes stream through two pinned staging buffers of
// ChunkBytes (whole rows) kept by the device and reused by later calls: a
// copy stream moves chunk k to the GPU while a compute stream counts chunk
// k-1 (CountKernels: on the tensor cores, or packed into bitsets and
// counted pair by pair with AND + popcount); events order the two. The
// votes must hold whole rows of m.
func (d *Device) Count(dst cpu.Counts, votes []int8, m int) error {
	if err := checkCountArgs("Count", dst, len(votes), m); err != nil {
		return err
	}
	n := len(votes) / m
	if n == 0 {
		return nil
	}
	chunk := d.ChunkBytes
	if chunk <= 0 {
		chunk = defaultChunkBytes
	}
	rowsPerChunk := min(n, max(32, (chunk/m)/32*32))
	return d.withScratch(func(sc *countScratch) error {
		shape := newCountShape(rowsPerChunk, m, d.mma)
		if err := sc.ensure(shape, int64(rowsPerChunk*m)); err != nil {
			return err
		}
		if err := wrap("clearing GPU memory", cu.MemsetD8(sc.counts, 0, shape.countsLen*8)); err != nil {
			return err
		}
		for k, r0 := 0, 0; r0 < n; k, r0 = k+1, r0+rowsPerChunk {
			rows := min(rowsPerChunk, n-r0)
			if err := d.countChunk(sc, k%2, votes[r0*m:(r0+rows)*m], rows, m); err != nil {
				return err
			}
		}
		return d.collectCounts(dst, sc.counts, m)
	})
}

// countChunk stages rows x m votes through pinned buffer b and queues
// their copy (copy stream) and counting (compute stream).
func (d *Device) countChunk(sc *countScratch, b int, votes []int8, rows, m int) error {
	st := &sc.stage[b]
	if st.copyPending {
		// The copy of chunk k-2 still reads this pinned buffer.
		if err := wrap("waiting for a copy", st.copied.Synchronize()); err != nil {
			return err
		}
	}
	parallelCopy(st.hostBytes(len(votes)), int8Bytes(votes))
	if st.usePending {
		// The kernels of chunk k-2 still read this device buffer.
		if err := wrap("ordering the copy stream", sc.copyStream.Wait(st.used, 0)); err != nil {
			return err
		}
	}
	if err := wrap("copying votes to the GPU", cu.MemcpyHtoDAsync(st.dev, st.host, int64(len(votes)), sc.copyStream)); err != nil {
		return err
	}
	if err := wrap("recording a copy", st.copied.Record(sc.copyStream)); err != nil {
		return err
	}
	st.copyPending = true
	if err := wrap("ordering the compute stream", sc.computeStream.Wait(st.copied, 0)); err != nil {
		return err
	}
	d.stream = sc.computeStream
	err := d.launchCount(newCountShape(rows, m, d.mma), st.dev, rows, m, sc.pos, sc.neg, sc.counts)
	d.stream = cu.NoStream
	if err != nil {
		return err
	}
	st.usePending = true
	return wrap("recording the kernels", st.used.Record(sc.computeStream))
}

// collectCounts waits for the queued work, copies the m x m x 4 counts
// back and adds them to dst.
func (d *Device) collectCounts(dst cpu.Counts, counts cu.DevicePtr, m int) error {
	if err := wrap("running the kernels", cu.Synchronize()); err != nil {
		return err
	}
	host := make([]uint64, m*m*4)
	if err := download(host, counts); err != nil {
		return err
	}
	for i := 0; i < m; i++ {
		dst.Pos[i] += int64(host[(i*m+i)*4])
		dst.Neg[i] += int64(host[(i*m+i)*4+3])
		for j := i + 1; j < m; j++ {
			c := host[(i*m+j)*4 : (i*m+j)*4+4]
			dst.Pairs[cpu.PairIndex(i, j, m)].Add(cpu.PairCounts{PP: int64(c[0]), PN: int64(c[1]), NP: int64(c[2]), NN: int64(c[3])})
		}
	}
	return nil
}

// checkCountArgs validates a count of votes int8s of m LFs into dst.
func checkCountArgs(op string, dst cpu.Counts, votes, m int) error {
	if m <= 0 || votes%m != 0 {
		return fmt.Errorf("cuda: %s: %d votes are not whole rows of m = %d", op, votes, m)
	}
	if len(dst.Pos) != m || len(dst.Neg) != m || len(dst.Pairs) != m*(m-1)/2 {
		return fmt.Errorf("cuda: %s: counts for %d LFs, votes have m = %d", op, len(dst.Pos), m)
	}
	return nil
}
