package labelmodel

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/squid-ws/squid/cpu"
)

// Model is a FlyingSquid label model: a graph over labeling functions and
// tasks (its Spec), and once fitted, the marginals of its junction-tree
// cliques. Create one with New, then Fit (or FitStats) it. Predictions and
// accessors of a fitted model may run concurrently; a Fit must not run
// concurrently with any other call on the same model.
type Model struct {
	spec  Spec
	g     *graph
	jt    *junctionTree
	sep   *separation
	order []int // node order after Python's random.seed(0); random.shuffle

	// toEstimate are the clique marginals the fit estimates, distinct.
	toEstimate []estClique
	// systems holds the linear system of each marginal in toEstimate, by
	// estClique key.
	systems map[string]*system
	// expectations are the expectations those systems need, in Python
	// key order.
	expectations []expectation
	// jointSets are the LF sets the statistics keep joint tables for.
	jointSets [][]int
	fit       *fitted
	rng       *pyRandom // the generator state after the node shuffle
	noAbs     bool
	// voteAbstain is the vote files' abstain value, when recorded.
	voteAbstain *int
}

// New builds the label model for spec: the Markov network, its
// triangulation and junction tree. It returns an error naming the clique
// when the triplet method cannot fit the graph.
func New(spec Spec) (*Model, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	spec.V = spec.Tasks() // "v": 1 in a saved model, not the 0 that means 1
	m := &Model{spec: spec, g: newGraph(spec), noAbs: spec.NoAbstentions}
	m.jt = buildJunctionTree(m.g)
	m.sep = newSeparation(m.g)
	m.order = m.g.sortedNodes()
	m.rng = newPyRandom(0)
	m.rng.shuffle(len(m.order), func(i, j int) { m.order[i], m.order[j] = m.order[j], m.order[i] })
	if err := checkSolvable(m.g, m.jt, m.sep, m.order); err != nil {
		return nil, err
	}
	if err := m.plan(); err != nil {
		return nil, err
	}
	return m, nil
}

// Spec returns the model's graph specification, with V the number of
// tasks (1, not 0, for one task).
func (m *Model) Spec() Spec { return m.spec }

// plan lists the marginals to estimate, the expectations they need and
// the joint tables the statistics must keep.
func (m *Model) plan() error {
	m.systems = map[string]*system{}
	seen := map[string]bool{}
	for _, c := range append(append([][]int{}, m.jt.cliques...), m.jt.separators...) {
		lfs, tasks := m.g.split(c)
		if len(tasks) != 1 || len(lfs) == 0 {
			continue
		}
		ec := estClique{lfs: lfs, t: tasks[0]}
		if seen[ec.key()] {
			continue
		}
		seen[ec.key()] = true
		m.toEstimate = append(m.toEstimate, ec)
		equations, err := newSystem(ec, m.noAbs)
		if err != nil {
			return err
		}
		m.systems[ec.key()] = equations
	}
	expSeen := map[string]bool{}
	for _, c := range m.toEstimate {
		for _, r := range c.rows(m.noAbs) {
			if len(r.a) == 0 || !r.yProd {
				continue
			}
			e := expectation{lfs: r.a, t: c.t, cond: r.z}
			if !expSeen[e.key()] {
				expSeen[e.key()] = true
				m.expectations = append(m.expectations, e)
			}
		}
		if len(c.lfs) >= 2 {
			for f := 0; f < m.spec.M; f++ {
				if !slices.Contains(c.lfs, f) {
					m.jointSets = append(m.jointSets, append(slices.Clone(c.lfs), f))
				}
			}
		}
	}
	sort.SliceStable(m.expectations, func(a, b int) bool { return m.g.pyLess(m.expectations[a], m.expectations[b]) })
	return nil
}

// NewStats returns empty sufficient statistics with what this model's fit
// needs (joint tables for LF dependencies).
func (m *Model) NewStats() *Stats { return NewStats(m.spec.M, m.jointSets...) }

// Classes returns the number of Y patterns, 2^v.
func (m *Model) Classes() int { return 1 << m.g.v }

// YPatterns returns the Y vectors in the column order of PredictProba:
// lexicographic with -1 before +1 and Y_0 most significant.
func (m *Model) YPatterns() [][]int8 {
	v := m.g.v
	out := make([][]int8, 1<<v)
	for k := range out {
		out[k] = make([]int8, v)
		for t := 0; t < v; t++ {
			out[k][t] = -1
			if k>>(v-1-t)&1 == 1 {
				out[k][t] = 1
			}
		}
	}
	return out
}

// ErrNotFitted is returned by methods that need a fitted model.
var ErrNotFitted = errors.New("labelmodel: the model is not fitted")

// Fitted reports whether the model has been fitted (or loaded).
func (m *Model) Fitted() bool { return m.fit != nil }

// EstimatedAccuracies returns FlyingSquid's estimated accuracy of each LF:
// the joint probability P(λ_i = Y, λ_i ≠ 0) on the task the LF is attached
// to, an abstention counting as wrong.
func (m *Model) EstimatedAccuracies() ([]float64, error) {
	if m.fit == nil {
		return nil, ErrNotFitted
	}
	out := make([]float64, m.spec.M)
	for i := range out {
		out[i] = m.fit.prob[expectation{lfs: []int{i}, t: m.g.taskOf[i]}.key()]
	}
	return out, nil
}

// AccuraciesGivenVote returns P(λ_i = Y | λ_i ≠ 0) for each LF, the
// accuracy on the rows where it votes (0.5 for an LF that never votes).
// An impossible estimate (a joint accuracy above the LF's coverage, which
// Warnings names) is clamped to 1, or to 0 below 0.
func (m *Model) AccuraciesGivenVote() ([]float64, error) {
	acc, err := m.EstimatedAccuracies()
	if err != nil {
		return nil, err
	}
	for i := range acc {
		cover := 1 - m.fit.abstain[i]
		if cover <= 0 {
			acc[i] = 0.5
			continue
		}
		acc[i] = max(0, min(acc[i]/cover, 1))
	}
	return acc, nil
}

// Warnings returns the fit diagnostics: LFs that never vote or always vote
// one way, estimates that hit a zero denominator or are impossible (above
// the share of rows where their LFs vote), degenerate marginals. They do not stop the fit but say which outputs to distrust.
func (m *Model) Warnings() []string {
	if m.fit == nil {
		return nil
	}
	return slices.Clone(m.fit.warnings)
}

// Rows returns how many rows of votes the model was fitted on (0 before a
// fit).
func (m *Model) Rows() int64 {
	if m.fit == nil {
		return 0
	}
	return m.fit.n
}

// ClassBalance returns the class balance the model was fitted with.
func (m *Model) ClassBalance() []float64 {
	if m.fit == nil {
		return nil
	}
	return slices.Clone(m.fit.classBalance)
}

// LogOddsTable returns the fitted model's per-LF log-odds table (see
// cpu.LogOdds) when the model is one task with independent LFs, the form
// the fused GPU loss consumes; it reports false otherwise.
func (m *Model) LogOddsTable() (cpu.LogOdds, bool) {
	if m.fit == nil {
		return nil, false
	}
	return cpu.LogOddsTable(m.spec.M, m.fit.base, m.fit.factors)
}

// LFMarginal returns the fitted joint distribution of LF i's vote and its
// task: p[v+1][y] = P(λ_i = v, Y = y) for v in {-1, 0, +1} and y = 0 for
// Y = -1, 1 for Y = +1 (the row for 0 is zero without abstentions). It is
// read off the clique holding LF i, marginalising the clique's other LFs.
func (m *Model) LFMarginal(i int) ([3][2]float64, error) {
	var p [3][2]float64
	if m.fit == nil {
		return p, ErrNotFitted
	}
	if i < 0 || i >= m.spec.M {
		return p, fmt.Errorf("labelmodel: LF %d out of range [0, %d)", i, m.spec.M)
	}
	for _, c := range m.toEstimate {
		l := slices.Index(c.lfs, i)
		if l < 0 || c.t != m.g.taskOf[i] {
			continue
		}
		vals := m.fit.marginals[c.key()]
		for j, col := range m.systems[c.key()].cols {
			y := 0
			if col[len(col)-1] == 1 {
				y = 1
			}
			p[col[l]+1][y] += vals[j]
		}
		return p, nil
	}
	return p, fmt.Errorf("labelmodel: no fitted marginal holds LF %d", i)
}
