package labelmodel

import (
	"slices"
	"sort"
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

	est   []estClique // marginals to estimate, distinct
	sys   map[string]*system
	exps  []expectation // expectations those need, in Python key order
	sets  [][]int       // LF sets the statistics need joint tables for
	fit   *fitted
	rng   *pyRandom // the generator state after the node shuffle
	noAbs bool
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
	m.sys = map[string]*system{}
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
		m.est = append(m.est, ec)
		sys, err := newSystem(ec, m.noAbs)
		if err != nil {
			return err
		}
		m.sys[ec.key()] = sys
	}
	expSeen := map[string]bool{}
	for _, c := range m.est {
		for _, r := range c.rows(m.noAbs) {
			if len(r.a) == 0 || !r.yProd {
				continue
			}
			e := expectation{lfs: r.a, t: c.t, cond: r.z}
			if !expSeen[e.key()] {
				expSeen[e.key()] = true
				m.exps = append(m.exps, e)
			}
		}
		if len(c.lfs) >= 2 {
			for f := 0; f < m.spec.M; f++ {
				if !slices.Contains(c.lfs, f) {
					m.sets = append(m.sets, append(slices.Clone(c.lfs), f))
				}
			}
		}
	}
	sort.SliceStable(m.exps, func(a, b int) bool { return m.g.pyLess(m.exps[a], m.exps[b]) })
	return nil
}

// NewStats returns empty sufficient statistics with what this model's fit
// needs (joint tables for LF dependencies).
func (m *Model) NewStats() *Stats { return NewStats(m.spec.M, m.sets...) }

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
