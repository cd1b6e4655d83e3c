package labelmodel

import (
	"fmt"
	"math"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

// warn adds a warning once (a loaded model rebuilds its tables and would
// otherwise repeat the warnings it was saved with).
func (f *fitted) warn(w string) {
	if !slices.Contains(f.warnings, w) {
		f.warnings = append(f.warnings, w)
	}
}

// checkTables reports a log-probability table entry that is NaN or +Inf,
// the entries that would make a posterior NaN (-Inf is an impossible
// pattern and is fine: a row with no possible pattern is uniform).
func (f *fitted) checkTables() error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 1) }
	if i := slices.IndexFunc(f.base, bad); i >= 0 {
		return fmt.Errorf("the log class prior of pattern %d is %v", i, f.base[i])
	}
	for _, fc := range f.factors {
		if i := slices.IndexFunc(fc.Table, bad); i >= 0 {
			return fmt.Errorf("the log factor of LFs %v has entry %d = %v", fc.LFs, i, fc.Table[i])
		}
	}
	return nil
}

// graphWarnings are the diagnostics of the graph itself: tasks that no LF
// votes on, whose posterior can only be their class balance.
func (m *Model) graphWarnings() []string {
	voted := make([]bool, m.g.v)
	for _, e := range m.spec.lfTaskEdges() {
		voted[e[1]] = true
	}
	var out []string
	for t, ok := range voted {
		if !ok {
			out = append(out, fmt.Sprintf("task Y_%d has no LF: its posterior is its class balance", t))
		}
	}
	return out
}

// copyWarnings names pairs of LFs that vote identically, or exactly
// oppositely, on every row: the triplet method then sees a perfect
// correlation and reports accuracies of 1 that say nothing; such LFs are
// copies and should be joined by an lf_edge (or one dropped).
func (s *Stats) copyWarnings(spec Spec) []string {
	var out []string
	for i := 0; i < s.m; i++ {
		if s.counts.Pos[i]+s.counts.Neg[i] == 0 {
			continue // an LF that never votes has its own warning
		}
		for j := i + 1; j < s.m; j++ {
			p := s.counts.Pairs[cpu.PairIndex(i, j, s.m)]
			both := s.counts.Pos[i] + s.counts.Neg[i]
			if s.counts.Pos[j]+s.counts.Neg[j] != both {
				continue
			}
			switch both {
			case p.PP + p.NN:
				out = append(out, spec.lfList([]int{i, j})+" vote identically on every row: perfectly correlated LFs make their accuracies meaningless (join them with an lf_edge or drop one)")
			case p.PN + p.NP:
				out = append(out, spec.lfList([]int{i, j})+" vote oppositely on every row: perfectly correlated LFs make their accuracies meaningless (join them with an lf_edge or drop one)")
			}
		}
	}
	return out
}

// Clone returns a model with the same graph and fit that shares m's
// immutable structure (junction tree, linear systems), so it costs
// little; fitting either one leaves the other unchanged. Callers that
// must not change a model when a fit fails fit a clone and keep it only
// on success.
func (m *Model) Clone() *Model {
	c := *m
	return &c
}

// impossibleTolerance absorbs rounding in an estimate that equals its
// bound exactly (an LF that is always right when it votes).
const impossibleTolerance = 1e-9

// impossibleWarning describes an estimate no distribution can produce:
// |E[prod λ_A · Y]| above the coverage P(every λ in A votes), which
// gives a joint accuracy above the coverage (or below 0) and an accuracy
// given a vote that AccuraciesGivenVote can only clamp to 1 (or 0). It
// returns "" for a possible estimate.
func (m *Model) impossibleWarning(e expectation, v, cover float64) string {
	if !(math.Abs(v) > cover+impossibleTolerance) {
		return ""
	}
	who := "the LF votes"
	if len(e.lfs) > 1 {
		who = "these LFs all vote"
	}
	w := fmt.Sprintf("the estimate of %s is %.4g, above %.4g, the share of rows where %s: impossible (the LFs may be dependent or the sample too small)", m.sentence(e), v, cover, who)
	if len(e.lfs) == 1 && len(e.cond) == 0 {
		joint, clamped := "above its coverage", "1"
		if v < 0 {
			joint, clamped = "below 0", "0"
		}
		w += fmt.Sprintf("; %s's joint accuracy is %s and its accuracy given a vote is clamped to %s", m.spec.LF(e.lfs[0]), joint, clamped)
	}
	return w
}
