//go:build !nocuda

package cuda

import (
	"fmt"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/kernels"
)

// defaultChunkBytes is Device.ChunkBytes's default.
const defaultChunkBytes = 1 << 30

// wordsPerBlock is the word range of one pair-count block (65536 rows).
const wordsPerBlock = 2048

// Count adds the counts of the n x m votes to dst, exactly as cpu.Count:
// the votes are packed into bitsets on the GPU (squid_pack) and every LF
// pair is counted by AND+popcount tiles (squid_pair_counts), in row chunks
// of at most ChunkBytes. The votes must hold whole rows of m.
func (d *Device) Count(dst cpu.Counts, votes []int8, m int) error {
	if m <= 0 || len(votes)%m != 0 {
		return fmt.Errorf("cuda: Count: %d votes are not whole rows of m = %d", len(votes), m)
	}
	if len(dst.Pos) != m {
		return fmt.Errorf("cuda: Count: counts for %d LFs, votes have m = %d", len(dst.Pos), m)
	}
	n := len(votes) / m
	if n == 0 {
		return nil
	}
	chunk := d.ChunkBytes
	if chunk <= 0 {
		chunk = defaultChunkBytes
	}
	rowsPerChunk := max(32, (chunk/m)/32*32)
	return d.do(func() error {
		var a arena
		defer a.free()
		counts, err := zeroed[uint64](&a, m*m*4)
		if err != nil {
			return err
		}
		maxWords := (min(n, rowsPerChunk) + 31) / 32
		pos, err := a.alloc(int64(m*maxWords) * 4)
		if err != nil {
			return err
		}
		neg, err := a.alloc(int64(m*maxWords) * 4)
		if err != nil {
			return err
		}
		dv, err := a.alloc(int64(min(n, rowsPerChunk) * m))
		if err != nil {
			return err
		}
		for r0 := 0; r0 < n; r0 += rowsPerChunk {
			rows := min(rowsPerChunk, n-r0)
			chunk := votes[r0*m : (r0+rows)*m]
			if err := cu.MemcpyHtoD(dv, ptrOf(chunk), int64(len(chunk))); err != nil {
				return wrap("copying votes to the GPU", err)
			}
			words := int64((rows + 31) / 32)
			if err := d.launchPack(dim3{blocks(words*32, 256), 1, 1}, dim3{256, 1, 1}, dv, int64(rows), int64(m), pos, neg, words); err != nil {
				return err
			}
			tiles := blocks(int64(m), kernels.Tile)
			if err := d.launchPairCounts(dim3{tiles, tiles, blocks(words, wordsPerBlock)}, dim3{kernels.Tile, kernels.Tile, 1},
				pos, neg, int64(m), words, int64(wordsPerBlock), counts); err != nil {
				return err
			}
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
	})
}

// Posterior writes P(Y=-1), P(Y=+1) for every row (out is n x 2) from the
// per-LF log-odds table of an independent one-task model (see
// cpu.LogOddsTable).
func (d *Device) Posterior(out []float64, votes []int8, m int, table []float64) error {
	if m <= 0 || len(votes)%m != 0 {
		return fmt.Errorf("cuda: Posterior: %d votes are not whole rows of m = %d", len(votes), m)
	}
	n := len(votes) / m
	if len(out) != 2*n || len(table) != 3*m+1 {
		return fmt.Errorf("cuda: Posterior: out has %d values, table %d; want %d and %d", len(out), len(table), 2*n, 3*m+1)
	}
	if n == 0 {
		return nil
	}
	return d.do(func() error {
		var a arena
		defer a.free()
		dv, err := upload(&a, votes)
		if err != nil {
			return err
		}
		dt, err := upload(&a, table)
		if err != nil {
			return err
		}
		do, err := a.alloc(int64(len(out)) * 8)
		if err != nil {
			return err
		}
		if err := d.launchPosteriorLogOdds(dim3{blocks(int64(n), 256), 1, 1}, dim3{256, 1, 1}, dv, int64(n), int64(m), dt, do); err != nil {
			return err
		}
		return download(out, do)
	})
}

// TripletAggregate is cpu.TripletAggregate on the GPU: one block per
// expectation for the mean (squid_triplet_mean), and for the median a
// per-expectation radix select over the values (squid_triplet_median), in
// batches of expectations that fit in 2 GiB of scratch.
func (d *Device) TripletAggregate(pairs []float64, m int, lf, comp []int, median bool, value []float64, count, zeros []int) error {
	E := len(lf)
	if len(pairs) != m*m || len(comp) != E*m || len(value) != E || len(count) != E || len(zeros) != E {
		return fmt.Errorf("cuda: TripletAggregate: %d pairs, %d components and outputs of %d, %d, %d for m = %d and %d expectations",
			len(pairs), len(comp), len(value), len(count), len(zeros), m, E)
	}
	if E == 0 {
		return nil
	}
	lf64, comp64 := toInt64(lf), toInt64(comp)
	return d.do(func() error {
		var a arena
		defer a.free()
		dp, err := upload(&a, pairs)
		if err != nil {
			return err
		}
		dl, err := upload(&a, lf64)
		if err != nil {
			return err
		}
		dc, err := upload(&a, comp64)
		if err != nil {
			return err
		}
		dval, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		dcnt, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		dz, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		if !median {
			if err := d.launchTripletMean(dim3{E, 1, 1}, dim3{256, 1, 1}, dp, dl, dc, int64(m), dval, dcnt, dz); err != nil {
				return err
			}
		} else {
			capacity := int64(max(1, (m-1)*(m-2)/2))
			batch := int64(max(1, min(E, int((2<<30)/(capacity*8)))))
			scratch, err := a.alloc(batch * capacity * 8)
			if err != nil {
				return err
			}
			for e0 := int64(0); e0 < int64(E); e0 += batch {
				nb := min(batch, int64(E)-e0)
				if err := d.launchTripletMedian(dim3{int(nb), 1, 1}, dim3{256, 1, 1},
					dp, dl, dc, int64(m), e0, capacity, scratch, dval, dcnt, dz); err != nil {
					return err
				}
			}
		}
		cnt, z := make([]int64, E), make([]int64, E)
		if err := download(value, dval); err != nil {
			return err
		}
		if err := download(cnt, dcnt); err != nil {
			return err
		}
		if err := download(z, dz); err != nil {
			return err
		}
		for e := range value {
			count[e], zeros[e] = int(cnt[e]), int(z[e])
			if !median && cnt[e] > 0 {
				value[e] /= float64(cnt[e])
			}
		}
		return nil
	})
}

func toInt64(x []int) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}
