package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// logOddsPosterior is the per-LF log-odds loop (one exp a row) that
// Posterior ran before oddsGroups: the baseline it is held to and measured
// against.
func logOddsPosterior(out []float64, votes []int8, m int, t LogOdds) {
	n := len(out) / 2
	for r := 0; r < n; r++ {
		p := 1 / (1 + math.Exp(-t.Logit(votes[r*m:(r+1)*m])))
		out[2*r] = 1 - p
		out[2*r+1] = p
	}
}

// The multiply in groupIndex gives the index tailIndex builds vote by
// vote, for all 81 combinations of four votes and every tail width.
func TestGroupIndexMatchesTail(t *testing.T) {
	for c := 0; c < 81; c++ {
		row := make([]byte, 4)
		for k, x := 0, c; k < 4; k, x = k+1, x/3 {
			row[k] = byte(int8(x%3 - 1))
		}
		// tailIndex through its 32-bit read and byte by byte.
		for lfs := 1; lfs <= 4; lfs++ {
			g := groupIndex(row) & (1<<(2*lfs) - 1)
			if w, b := tailIndex(row, 0, lfs), tailIndex(row[:lfs], 0, lfs); g != w || g != b {
				t.Fatalf("votes %v, %d LFs: groupIndex %d, tailIndex %d and %d", row, lfs, g, w, b)
			}
		}
	}
}

// allVoteRows returns every row of m votes (3^m rows), repeated until
// there are at least n rows.
func allVoteRows(m, n int) []int8 {
	var votes []int8
	for len(votes) < n*m || len(votes) == 0 {
		for c := 0; c < int(math.Pow(3, float64(m))); c++ {
			for k, x := 0, c; k < m; k, x = k+1, x/3 {
				votes = append(votes, int8(x%3-1))
			}
		}
	}
	return votes
}

// groupedCase checks the grouped posterior of t on votes against the
// per-LF loop (and PosteriorReference when the odds cannot overflow),
// and that it took the odds path exactly when wantOdds.
func groupedCase(t *testing.T, name string, lo LogOdds, votes []int8, wantOdds bool) {
	t.Helper()
	m := lo.LFs()
	n := len(votes) / m
	g := newOddsGroups(lo, true)
	if (g.odds != nil) != wantOdds || g.useOdds != wantOdds {
		t.Fatalf("%s: odds path %v, want %v", name, g.odds != nil, wantOdds)
	}
	got, plain, ref, pub := make([]float64, 2*n), make([]float64, 2*n), make([]float64, 2*n), make([]float64, 2*n)
	g.posterior(got, votes)
	// Without tables: the same numbers to the last bit.
	direct := make([]float64, 2*n)
	newOddsGroups(lo, false).posterior(direct, votes)
	for i := range got {
		if math.Float64bits(direct[i]) != math.Float64bits(got[i]) {
			t.Fatalf("%s: row %d entry %d: %v without tables, %v with", name, i/2, i%2, direct[i], got[i])
		}
	}
	logOddsPosterior(plain, votes, m, lo)
	base, fs := lo.Factors()
	Posterior(pub, votes, m, base, fs)
	if wantOdds {
		PosteriorReference(ref, votes, m, base, fs)
	} else {
		copy(ref, plain) // the reference's products overflow here
	}
	for i := range got {
		if math.Abs(got[i]-plain[i]) > 1e-12 || math.Abs(got[i]-ref[i]) > 1e-12 || math.Abs(pub[i]-ref[i]) > 1e-12 || math.IsNaN(got[i]) {
			t.Fatalf("%s: row %d entry %d: grouped %v, Posterior %v, per-LF %v, reference %v", name, i/2, i%2, got[i], pub[i], plain[i], ref[i])
		}
	}
}

// The grouped posterior equals the per-LF loop and the reference for
// every combination of votes of up to 6 LFs (so every group-table entry
// and every tail width), for odd m with tails, on row counts on both
// sides of groupedMinRows, and through the log-odds sums when the odds
// could overflow.
func TestGroupedPosteriorMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	table := func(m int, scale float64) LogOdds {
		lo := NewLogOdds(m)
		for i := range lo {
			lo[i] = scale * r.NormFloat64()
		}
		return lo
	}
	for m := 1; m <= 6; m++ {
		groupedCase(t, fmt.Sprintf("all votes m=%d", m), table(m, 1), allVoteRows(m, groupedMinRows), true)
	}
	for _, m := range []int{7, 9, 13, 20, 21, 50, 203} {
		for _, n := range []int{1, groupedMinRows - 1, groupedMinRows, 3001} {
			votes := randomVotes(r, n, m, 0.3)
			groupedCase(t, fmt.Sprintf("m=%d n=%d", m, n), table(m, 0.5), votes, true)
			// Log-odds of hundreds per vote: the sums could pass 700.
			groupedCase(t, fmt.Sprintf("large m=%d n=%d", m, n), table(m, 300), votes, false)
		}
	}
}

// Near the edge of the odds path: log-odds up to ±maxOddsLogit give
// probabilities equal to the logistic function's, the tiny ones to a few
// units in the last place.
func TestGroupedPosteriorExtremeOdds(t *testing.T) {
	for _, base := range []float64{-maxOddsLogit + 8, maxOddsLogit - 8} {
		lo := NewLogOdds(8)
		lo.SetBase(base)
		for i := 0; i < 8; i++ {
			lo.Add(i, 1, 1)
			lo.Add(i, -1, -1)
		}
		votes := allVoteRows(8, 1)
		groupedCase(t, fmt.Sprintf("base %v", base), lo, votes, true)
		got := make([]float64, 2*len(votes)/8)
		newOddsGroups(lo, true).posterior(got, votes)
		// Both probabilities to a few units in the last place, even the
		// one the per-LF loop rounds to 0 as 1 - p.
		for i := range got {
			x := lo.Logit(votes[i/2*8 : i/2*8+8])
			want := 1 / (1 + math.Exp(-x))
			if i%2 == 0 {
				want = 1 / (1 + math.Exp(x))
			}
			if rel := math.Abs(got[i]-want) / want; rel > 1e-13 {
				t.Fatalf("base %v entry %d: %v, want %v (relative error %v)", base, i, got[i], want, rel)
			}
		}
	}
}

// Posterior gives every row the same bits whether it sees all rows at
// once, on one goroutine or several, or the rows in pieces on both sides
// of groupedMinRows (callers that predict in blocks rely on it).
func TestPosteriorIndependentOfSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, c := range []struct {
		m     int
		scale float64
	}{{3, 1}, {20, 1}, {21, 0.5}, {13, 300}} {
		n := 3*groupedMinRows + 17
		votes := randomVotes(r, n, c.m, 0.3)
		lo := NewLogOdds(c.m)
		for i := range lo {
			lo[i] = c.scale * r.NormFloat64()
		}
		base, fs := lo.Factors()
		want := make([]float64, 2*n)
		Posterior(want, votes, c.m, base, fs)
		for _, procs := range []int{1, 3} {
			old := runtime.GOMAXPROCS(procs)
			got := make([]float64, 2*n)
			for _, cut := range [][2]int{{0, 1}, {1, 6}, {6, groupedMinRows + 6}, {groupedMinRows + 6, groupedMinRows + 7}, {groupedMinRows + 7, n}} {
				Posterior(got[2*cut[0]:2*cut[1]], votes[c.m*cut[0]:c.m*cut[1]], c.m, base, fs)
			}
			runtime.GOMAXPROCS(old)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("m=%d scale %v GOMAXPROCS=%d: row %d entry %d = %v in pieces, %v at once", c.m, c.scale, procs, i/2, i%2, got[i], want[i])
				}
			}
		}
	}
}
