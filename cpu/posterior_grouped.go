package cpu

import (
	"encoding/binary"
	"math"
)

// groupedMinRows is the fewest rows for which Posterior builds the group
// tables of oddsGroups: building them costs about what a few hundred rows
// of adding the log-odds directly do, whatever the number of LFs (both
// grow with it).
const groupedMinRows = 1024

// maxOddsLogit bounds the log-odds for which oddsGroups multiplies odds
// instead of adding log-odds: exp of it and of its negation are normal
// float64s (exp(±709.78) is the edge), so no partial product overflows or
// underflows.
const maxOddsLogit = 700

// oddsGroups computes the posterior of a log-odds table with the LFs in
// groups of four, so that with tables one lookup, indexed by four votes
// read as one 32-bit word, replaces four. The index of a group's votes
// holds each vote's low two bits (0 for an abstention, 1 for +1, 3 for -1),
// LF 4g+k's in bits 2k and 2k+1; indices with a 2 in them are no votes
// and give NaN. The last group covers the m mod 4 LFs left over when m is
// not a multiple of 4.
//
// Without tables (few rows) it makes the same sums, products and exps row
// by row, in the same order, so its results are equal to the last bit:
// Posterior's results do not depend on how callers split the rows.
type oddsGroups struct {
	t    LogOdds
	m    int
	base float64
	// useOdds tells that no row's log-odds can leave [-maxOddsLogit,
	// maxOddsLogit] (|base| plus every LF's largest |entry| is within
	// it): then a row's odds are a product of one exp per group (one
	// lookup with tables) and the row needs no other exp. expBase is
	// exp(base).
	useOdds bool
	expBase float64
	// sum[g][idx] is the sum of the log-odds contributions of group g's
	// LFs for the votes idx stands for, and odds[g][idx] its exp when
	// useOdds; both are nil without tables.
	sum, odds [][256]float64
}

// newOddsGroups prepares the grouped posterior of t, with the group
// tables when tables is true.
func newOddsGroups(t LogOdds, tables bool) *oddsGroups {
	m := t.LFs()
	g := &oddsGroups{t: t, m: m, base: t.Base()}
	bound := math.Abs(g.base)
	for i := 0; i < m; i++ {
		bound += max(math.Abs(t.At(i, -1)), math.Abs(t.At(i, 0)), math.Abs(t.At(i, 1)))
	}
	g.useOdds = bound <= maxOddsLogit
	if g.useOdds {
		g.expBase = math.Exp(g.base)
	}
	if !tables {
		return g
	}
	g.sum = make([][256]float64, (m+3)/4)
	for k := range g.sum {
		for idx := range g.sum[k] {
			g.sum[k][idx] = groupSum(t, 4*k, min(4, m-4*k), idx)
		}
	}
	if g.useOdds {
		g.odds = make([][256]float64, len(g.sum))
		for k := range g.odds {
			for idx, x := range g.sum[k] {
				g.odds[k][idx] = math.Exp(x)
			}
		}
	}
	return g
}

// rowGroupSum is groupSum for the votes of group k in row: the same
// additions in the same order.
func (g *oddsGroups) rowGroupSum(row []byte, k int) float64 {
	var x float64
	for l, v := range row[4*k : min(4*k+4, g.m)] {
		x += g.t.At(4*k+l, int8(v))
	}
	return x
}

// groupSum returns the sum of the log-odds contributions of LFs lo to
// lo+lfs-1 voting as the group index idx says, or NaN when idx holds a
// code that is no vote (2, or anything for an LF past the group's).
func groupSum(t LogOdds, lo, lfs, idx int) float64 {
	var x float64
	for l := 0; l < 4; l++ {
		code := idx >> (2 * l) & 3
		if l >= lfs {
			if code != 0 {
				return math.NaN()
			}
			continue
		}
		switch code {
		case 0:
			x += t.At(lo+l, 0)
		case 1:
			x += t.At(lo+l, 1)
		case 3:
			x += t.At(lo+l, -1)
		default:
			return math.NaN()
		}
	}
	return x
}

// groupIndex returns the group index of the four votes at the start of
// row: each byte's low two bits, moved next to each other by one
// multiply (no two partial products overlap, so nothing carries into the
// top byte).
func groupIndex(row []byte) uint8 {
	w := binary.LittleEndian.Uint32(row) & 0x03030303
	return uint8(w * 0x01041040 >> 24)
}

// tailIndex returns the group index of the t < 4 votes at votes[at:]:
// through one 32-bit read, masked, where four bytes are there to read.
func tailIndex(votes []byte, at, t int) uint8 {
	if at+4 <= len(votes) {
		return groupIndex(votes[at:at+4]) & (1<<(2*t) - 1)
	}
	var idx uint8
	for k, v := range votes[at : at+t] {
		idx |= v & 3 << (2 * k)
	}
	return idx
}

// posterior writes out (n x 2) for the n rows of votes (n x m): P(Y=-1)
// and P(Y=+1) of each row, from the tables when it has them.
func (g *oddsGroups) posterior(out []float64, votes []int8) {
	switch {
	case g.sum == nil:
		g.directPosterior(out, asBytes(votes))
	default:
		g.tablePosterior(out, asBytes(votes))
	}
}

// directPosterior is tablePosterior without the tables: each group's
// sum (and its exp) made for the row at hand, combined in the same order.
func (g *oddsGroups) directPosterior(out []float64, votes []byte) {
	m, full, groups := g.m, g.m/4, (g.m+3)/4
	for r := 0; r < len(out)/2; r++ {
		row := votes[r*m : r*m+m]
		// The even full groups go to x0, the odd ones and the tail to
		// x1, as in tablePosterior.
		x0, x1 := g.base, 0.0
		if g.useOdds {
			x0, x1 = g.expBase, 1
		}
		for k := 0; k < groups; k++ {
			v := g.rowGroupSum(row, k)
			if g.useOdds {
				v = math.Exp(v)
			}
			if k%2 == 0 && k < full {
				x0 = combine(g.useOdds, x0, v)
			} else {
				x1 = combine(g.useOdds, x1, v)
			}
		}
		if g.useOdds {
			putOdds(out, r, x0*x1)
		} else {
			putLogit(out, r, x0+x1)
		}
	}
}

// tablePosterior takes each row's odds (useOdds) or log-odds from the
// group tables, a product or a sum of one entry per group, and writes its
// probabilities. Two running products or sums, over the even full groups
// and over the odd ones and the tail, halve the chain of dependent
// operations; the branch on useOdds goes the same way for every group.
func (g *oddsGroups) tablePosterior(out []float64, votes []byte) {
	m, full := g.m, g.m/4
	tabs, a0, a1 := g.sum[:full], g.base, 0.0
	if g.useOdds {
		tabs, a0, a1 = g.odds[:full], g.expBase, 1
	}
	tail := g.sum[full:]
	if g.useOdds {
		tail = g.odds[full:]
	}
	for r := 0; r < len(out)/2; r++ {
		row := votes[r*m : r*m+m]
		x0, x1 := a0, a1
		k := 0
		for ; k+1 < len(tabs); k += 2 {
			x0 = combine(g.useOdds, x0, tabs[k][groupIndex(row[4*k:4*k+4])])
			x1 = combine(g.useOdds, x1, tabs[k+1][groupIndex(row[4*k+4:4*k+8])])
		}
		if k < len(tabs) {
			x0 = combine(g.useOdds, x0, tabs[k][groupIndex(row[4*k:4*k+4])])
		}
		if len(tail) > 0 {
			x1 = combine(g.useOdds, x1, tail[0][tailIndex(votes, r*m+4*full, m%4)])
		}
		if g.useOdds {
			putOdds(out, r, x0*x1)
		} else {
			putLogit(out, r, x0+x1)
		}
	}
}

// combine adds the log-odds v to the running sum x, or with odds
// multiplies the running product x by the odds v.
func combine(odds bool, x, v float64) float64 {
	if odds {
		return x * v
	}
	return x + v
}

// putOdds writes row r's probabilities from its odds e = P(Y=+1)/P(Y=-1):
// 1/(1+e) and e/(1+e).
func putOdds(out []float64, r int, e float64) {
	q := 1 / (1 + e)
	out[2*r] = q
	out[2*r+1] = e * q
}

// putLogit writes row r's probabilities from its log-odds x: 1 - p and
// p = 1/(1+exp(-x)).
func putLogit(out []float64, r int, x float64) {
	p := 1 / (1 + math.Exp(-x))
	out[2*r] = 1 - p
	out[2*r+1] = p
}
