package cpu

import (
	"math"
	"runtime"
	"sync"
)

// Factor is one term of the log-probability of the Y patterns given the
// votes of a few labeling functions (a clique of the junction tree).
// Table[idx*K+y] is the log-factor for Y pattern y when the clique's votes
// have index idx = sum over l of (vote(LFs[l])+1) * 3^(len(LFs)-1-l).
type Factor struct {
	LFs   []int
	Table []float64
}

// Posterior writes into out (n x K, row-major) the normalised probabilities
// of the K Y patterns for each of the n rows of votes (n x m):
// P(y | row) ∝ exp(base[y] + sum over factors of Table[idx*K+y]).
// A row on which every pattern has probability zero gets the uniform
// distribution (as FlyingSquid does). Work is split over GOMAXPROCS
// goroutines; the single-LF, two-pattern case (the common model: one task,
// independent LFs) runs through its log-odds, four LFs at a time, with
// tables from groupedMinRows rows on (see oddsGroups); its results equal
// PosteriorReference's to a few units in the last place and do not depend
// on the number of rows or goroutines.
//
// Posterior panics unless K = len(base) >= 1, m >= 1, len(out) is a
// multiple of K, len(votes) = len(out)/K * m, and every factor names LFs
// in [0, m) with a table of 3^len(LFs) x K entries. Votes other than -1,
// 0 and +1 are not checked (callers validate them).
func Posterior(out []float64, votes []int8, m int, base []float64, factors []Factor) {
	checkPosteriorArgs("Posterior", out, votes, m, base, factors)
	k := len(base)
	n := len(out) / k
	workers := runtime.GOMAXPROCS(0)
	if n < 8192 {
		workers = 1
	}
	run := generalPosterior
	if lo, ok := LogOddsTable(m, base, factors); ok {
		g := newOddsGroups(lo, n >= groupedMinRows)
		run = func(out []float64, votes []int8, _ int, _ []float64, _ []Factor) {
			g.posterior(out, votes)
		}
	}
	if workers == 1 {
		run(out, votes, m, base, factors)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			run(out[lo*k:hi*k], votes[lo*m:hi*m], m, base, factors)
		}(lo, hi)
	}
	wg.Wait()
}

// LogOddsTable returns the log-odds table (see LogOdds) of an independent
// one-task model given as Posterior's arguments. It reports false unless
// every factor covers one LF, there are two patterns and all entries are
// finite. With two patterns it panics, as Posterior does, on a factor that
// names an LF outside [0, m) or whose table has the wrong size.
func LogOddsTable(m int, base []float64, factors []Factor) (LogOdds, bool) {
	if len(base) != 2 {
		return nil, false
	}
	checkFactors("LogOddsTable", m, 2, factors)
	t := NewLogOdds(m)
	t.SetBase(base[1] - base[0])
	for _, f := range factors {
		if len(f.LFs) != 1 {
			return nil, false
		}
		i := f.LFs[0]
		for v := int8(-1); v <= 1; v++ {
			idx := int(v) + 1 // CliqueIndex of a one-LF clique
			neg, pos := f.Table[idx*2], f.Table[idx*2+1]
			d := pos - neg
			if math.IsInf(neg, 0) || math.IsInf(pos, 0) || math.IsNaN(d) {
				return nil, false
			}
			t.Add(i, v, d)
		}
	}
	if b := t.Base(); math.IsInf(b, 0) || math.IsNaN(b) {
		return nil, false
	}
	return t, true
}

func generalPosterior(out []float64, votes []int8, m int, base []float64, factors []Factor) {
	k := len(base)
	n := len(out) / k
	for r := 0; r < n; r++ {
		row := votes[r*m : (r+1)*m]
		s := out[r*k : (r+1)*k]
		copy(s, base)
		for _, f := range factors {
			idx := CliqueIndex(row, f.LFs)
			t := f.Table[idx*k : (idx+1)*k]
			for y := range s {
				s[y] += t[y]
			}
		}
		normaliseLog(s)
	}
}

// normaliseLog turns log-scores into probabilities in place.
func normaliseLog(s []float64) {
	mx := math.Inf(-1)
	for _, x := range s {
		mx = max(mx, x)
	}
	if math.IsInf(mx, -1) || math.IsNaN(mx) {
		for y := range s {
			s[y] = 1 / float64(len(s))
		}
		return
	}
	var z float64
	for y, x := range s {
		s[y] = math.Exp(x - mx)
		z += s[y]
	}
	for y := range s {
		s[y] /= z
	}
}

// PosteriorReference computes what Posterior does the plain way, as
// FlyingSquid does: multiply the factors' probabilities for each row and
// each pattern, then normalise (uniform when the sum is zero). It panics
// as Posterior does.
func PosteriorReference(out []float64, votes []int8, m int, base []float64, factors []Factor) {
	checkPosteriorArgs("PosteriorReference", out, votes, m, base, factors)
	k := len(base)
	n := len(out) / k
	for r := 0; r < n; r++ {
		row := votes[r*m : (r+1)*m]
		var z float64
		for y := 0; y < k; y++ {
			p := math.Exp(base[y])
			for _, f := range factors {
				p *= math.Exp(f.Table[CliqueIndex(row, f.LFs)*k+y])
			}
			out[r*k+y] = p
			z += p
		}
		for y := 0; y < k; y++ {
			if z == 0 {
				out[r*k+y] = 1 / float64(k)
			} else {
				out[r*k+y] /= z
			}
		}
	}
}
