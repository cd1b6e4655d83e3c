package cpu

import (
	"fmt"
	"runtime"
	"sync"
)

// PairCounts holds, for one pair of labeling functions (i, j) with i < j,
// the number of rows on which both voted, split by the two votes.
type PairCounts struct {
	PP int64 // rows with λi = +1, λj = +1
	PN int64 // rows with λi = +1, λj = -1
	NP int64 // rows with λi = -1, λj = +1
	NN int64 // rows with λi = -1, λj = -1
}

// Add adds o to c.
func (c *PairCounts) Add(o PairCounts) {
	c.PP += o.PP
	c.PN += o.PN
	c.NP += o.NP
	c.NN += o.NN
}

// Sub subtracts o from c.
func (c *PairCounts) Sub(o PairCounts) {
	c.PP -= o.PP
	c.PN -= o.PN
	c.NP -= o.NP
	c.NN -= o.NN
}

// PairIndex returns the position of the pair (i, j) in the
// upper-triangular, row-major layout used for pair counts. It panics
// unless 0 <= i < j < m.
func PairIndex(i, j, m int) int {
	if i < 0 || i >= j || j >= m {
		panic(fmt.Sprintf("cpu: PairIndex(%d, %d, %d): want 0 <= i < j < m", i, j, m))
	}
	return pairIndex(i, j, m)
}

// pairIndex is PairIndex without the check, for the counting loops.
func pairIndex(i, j, m int) int { return i*m - i*(i+1)/2 + (j - i - 1) }

// NumPairs returns the number of pairs i < j among m >= 0 labeling
// functions.
func NumPairs(m int) int { return m * (m - 1) / 2 }

// Counts is the destination of a counting kernel: per-LF positive and
// negative vote counts (length m) and pair counts (length NumPairs(m)).
// Kernels add to it, so counts over several chunks accumulate.
type Counts struct {
	Pos, Neg []int64
	Pairs    []PairCounts
}

// NewCounts returns zeroed counts for m labeling functions. It panics if
// m < 0.
func NewCounts(m int) Counts {
	if m < 0 {
		panic(fmt.Sprintf("cpu: NewCounts: m = %d labeling functions", m))
	}
	return Counts{Pos: make([]int64, m), Neg: make([]int64, m), Pairs: make([]PairCounts, NumPairs(m))}
}

// Add adds o to c. It panics unless both are for the same m.
func (c Counts) Add(o Counts) {
	checkCountsShape("Counts.Add", o, len(c.Pos))
	checkCountsShape("Counts.Add", c, len(c.Pos))
	for i := range c.Pos {
		c.Pos[i] += o.Pos[i]
		c.Neg[i] += o.Neg[i]
	}
	for k := range c.Pairs {
		c.Pairs[k].Add(o.Pairs[k])
	}
}

// CountReference adds the counts of the n x m vote matrix votes to dst, one
// row and one pair at a time. It is the reference the fast path is tested
// against. It panics unless m >= 1, len(votes) is a multiple of m and dst
// holds counts for m LFs; votes other than -1, 0 and +1 are not checked
// (CountReference skips them as abstentions, Count's result is
// unspecified).
func CountReference(dst Counts, votes []int8, m int) {
	checkCountArgs("CountReference", dst, votes, m)
	n := len(votes) / m
	for r := 0; r < n; r++ {
		row := votes[r*m : (r+1)*m]
		addRow(dst, row, 1)
	}
}

// AddRow adds sign (+1 or -1) times the counts of one row to dst. With
// sign -1 it removes a row added before, which keeps a sliding window of
// rows up to date in O(m^2) per row. It panics unless dst holds counts
// for len(row) LFs.
func AddRow(dst Counts, row []int8, sign int64) {
	checkCountsShape("AddRow", dst, len(row))
	addRow(dst, row, sign)
}

// addRow is AddRow without the check.
func addRow(dst Counts, row []int8, sign int64) {
	m := len(row)
	for i, vi := range row {
		switch vi {
		case 1:
			dst.Pos[i] += sign
		case -1:
			dst.Neg[i] += sign
		default:
			continue
		}
		for j := i + 1; j < m; j++ {
			vj := row[j]
			if vj == 0 {
				continue
			}
			p := &dst.Pairs[pairIndex(i, j, m)]
			switch {
			case vi > 0 && vj > 0:
				p.PP += sign
			case vi > 0:
				p.PN += sign
			case vj > 0:
				p.NP += sign
			default:
				p.NN += sign
			}
		}
	}
}

// blockRows is the number of rows packed at a time by the fast path: 64
// words per LF and sign, small enough to stay in cache for m in the hundreds.
const blockRows = 4096

// Count adds the counts of the n x m vote matrix votes to dst. It packs each
// block of rows into two bitsets per LF (positive, negative), so a pair's
// four joint counts are four AND+popcount per 64 rows, run by the fastest
// Kernel this CPU has, and spreads row blocks over GOMAXPROCS goroutines.
// The result equals CountReference exactly. Its preconditions are
// CountReference's, and it panics when they are broken.
func Count(dst Counts, votes []int8, m int) { countWith("Count", best, dst, votes, m) }

// countWith is Count with kernel k; name is the caller, for the panic.
func countWith(name string, k Kernel, dst Counts, votes []int8, m int) {
	checkCountArgs(name, dst, votes, m)
	n := len(votes) / m
	if n == 0 {
		return
	}
	// Each worker takes an equal share of the rows, in whole 64-row words.
	workers := min(runtime.GOMAXPROCS(0), (n+63)/64)
	if workers <= 1 {
		countRows(k, dst, votes[:n*m], m)
		return
	}
	per := ((n+workers-1)/workers + 63) / 64 * 64
	var wg sync.WaitGroup
	partial := make([]Counts, workers)
	for w := range partial {
		lo, hi := min(w*per, n), min((w+1)*per, n)
		if lo >= hi {
			continue
		}
		partial[w] = NewCounts(m)
		wg.Go(func() { countRows(k, partial[w], votes[lo*m:hi*m], m) })
	}
	wg.Wait()
	for _, c := range partial {
		if c.Pos != nil {
			dst.Add(c)
		}
	}
}

// countRows counts the rows of votes into dst with kernel k, a block of
// blockRows rows at a time.
func countRows(k Kernel, dst Counts, votes []int8, m int) {
	const words = blockRows / 64
	const stride = 2 * words
	packed := make([]uint64, m*stride)
	n := len(votes) / m
	for r0 := 0; r0 < n; r0 += blockRows {
		r1 := min(r0+blockRows, n)
		nw := packBlock(packed, votes[r0*m:r1*m], m, words)
		// The next block's votes are asked for a slice per LF while the
		// pairs are counted, so packing it finds them in cache.
		next := votes[r1*m : min(r1+blockRows, n)*m]
		slice := (len(next) + m - 1) / m
		for i := 0; i < m; i++ {
			prefetch(next[min(i*slice, len(next)):min((i+1)*slice, len(next))])
			x := packed[i*stride : (i+1)*stride]
			dst.Pos[i] += k.popcount(x[:nw])
			dst.Neg[i] += k.popcount(x[words : words+nw])
			if i+1 < m {
				base := pairIndex(i, i+1, m)
				k.pairRow(x, packed[(i+1)*stride:], stride, nw, dst.Pairs[base:base+m-i-1])
			}
		}
	}
}
