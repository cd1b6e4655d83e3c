package fsloss

import (
	"fmt"
	"slices"

	"github.com/squid-ws/squid/labelmodel"
)

// defaultWarmUp is the number of rows before the first fit when
// Config.WarmUp is 0 (capped by the buffer's capacity).
const defaultWarmUp = 100

// warmUpDefault fills in the warm-up (min(BufferCapacity, 100)) and checks
// it; the buffer's capacity must already be set.
func warmUpDefault(cfg *Config) error {
	if cfg.WarmUp == 0 {
		cfg.WarmUp = min(cfg.BufferCapacity, defaultWarmUp)
	}
	if cfg.WarmUp < 0 || cfg.WarmUp > cfg.BufferCapacity {
		return fmt.Errorf("fsloss: warm-up %d must be in [1, buffer capacity %d] (1 fits on the first row, as FlyingSquid does)", cfg.WarmUp, cfg.BufferCapacity)
	}
	return nil
}

// lfTaskEdges returns the spec's LF-task edges, every LF on task 0 when
// there are none.
func lfTaskEdges(spec labelmodel.Spec) [][2]int {
	if len(spec.LFTaskEdges) > 0 {
		return slices.Clone(spec.LFTaskEdges)
	}
	edges := make([][2]int, spec.M)
	for i := range edges {
		edges[i] = [2]int{i, 0}
	}
	return edges
}

// voteSums adds up one row's votes per task along the LF-task edges.
func voteSums(sums []int, row []int8, edges [][2]int) {
	clear(sums)
	for _, e := range edges {
		sums[e[1]] += int(row[e[0]])
	}
}

// softMajority writes the warm-up labels of rows of votes (m per row, v
// tasks): 1 when a task's votes sum to more than 0, 0 when to less, and 0.5
// on a tie or when every LF abstains, so that an undecided row pulls its
// logit towards 0 rather than towards a class.
func softMajority(out []float64, votes []int8, m, v int, edges [][2]int) {
	sums := make([]int, v)
	for r := 0; r*m < len(votes); r++ {
		voteSums(sums, votes[r*m:(r+1)*m], edges)
		for t, s := range sums {
			out[r*v+t] = 0.5
			if s > 0 {
				out[r*v+t] = 1
			} else if s < 0 {
				out[r*v+t] = 0
			}
		}
	}
}
