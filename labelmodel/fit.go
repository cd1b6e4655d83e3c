package labelmodel

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

// fitted holds everything a fit produces.
type fitted struct {
	opts         Options
	n            int64
	classBalance []float64 // P(Y) over the 2^v patterns
	estimate     *estimate // the triplet step's expectations
	prob         map[string]float64
	marginals    map[string][]float64 // estClique key -> values in columns order
	abstain      []float64            // P(λ_i = 0)
	warnings     []string
	base         []float64
	factors      []cpu.Factor
}

// Fit estimates the model from votes (n x m).
func (m *Model) Fit(votes Votes, opts Options) error {
	if votes.M != m.spec.M {
		return shapeError("votes", votes.M, m.spec.M, "votes have %d columns, the model has %d LFs", votes.M, m.spec.M)
	}
	if err := votes.Validate(!m.noAbs); err != nil {
		return err
	}
	s := m.NewStats()
	s.addValid(votes)
	return m.FitStats(s, opts)
}

// FitStats estimates the model from sufficient statistics (see NewStats).
// The fit is a pure function of the statistics and the options: a model
// fitted twice on the same input gives identical parameters.
func (m *Model) FitStats(s *Stats, opts Options) error {
	if s.m != m.spec.M {
		return shapeError("statistics", s.m, m.spec.M, "statistics are for %d LFs, the model has %d", s.m, m.spec.M)
	}
	if err := m.CheckOptions(opts); err != nil {
		return err
	}
	if s.n == 0 {
		return errors.New("labelmodel: cannot fit on zero rows")
	}
	if m.noAbs {
		for i := 0; i < s.m; i++ {
			if s.counts.Pos[i]+s.counts.Neg[i] != s.n {
				return fmt.Errorf("labelmodel: LF %d abstains on %d rows but the model does not allow abstentions", i, s.n-s.counts.Pos[i]-s.counts.Neg[i])
			}
		}
	}
	if opts.Method == "" {
		opts.Method = TripletMean
	}
	if opts.Negative == "" {
		opts.Negative = Flip
	}
	f := &fitted{opts: opts, n: s.n, prob: map[string]float64{}, marginals: map[string][]float64{}}
	var err error
	if f.classBalance, err = m.classBalance(opts); err != nil {
		return err
	}
	f.warnings = append(f.warnings, m.graphWarnings()...)
	f.warnings = append(f.warnings, s.copyWarnings(m.spec)...)
	f.abstain = make([]float64, s.m)
	for i := range f.abstain {
		zero := s.n - s.counts.Pos[i] - s.counts.Neg[i]
		f.abstain[i] = float64(zero) / float64(s.n)
		switch {
		case zero == s.n:
			f.warnings = append(f.warnings, m.spec.LF(i)+" never votes")
		case s.counts.Pos[i] == 0 || s.counts.Neg[i] == 0:
			f.warnings = append(f.warnings, m.spec.LF(i)+" always votes the same way when it votes")
		}
	}

	mo := newMoments(s)
	switch opts.Method {
	case TripletMean, TripletMedian:
		allPairs := opts.FlyingSquidCompat && len(m.spec.LFEdges) == 0
		f.estimate, err = m.aggregate(mo, opts.Method == TripletMedian, allPairs)
	case Triplet:
		f.estimate, err = m.single(mo)
	default:
		err = fmt.Errorf("labelmodel: unknown solve method %q (want triplet, triplet_mean or triplet_median)", opts.Method)
	}
	if err != nil {
		return err
	}
	for _, e := range m.expectations {
		k := e.key()
		if z := f.estimate.zeroDen[k]; z > 0 {
			f.warnings = append(f.warnings, fmt.Sprintf("estimating %s, %d of %d triplets had a zero denominator (counted as 0): the LFs rarely vote together", m.sentence(e), z, f.estimate.triplets[k]))
		}
		var cover float64
		if f.prob[k], cover, err = m.probability(s, f, e); err != nil {
			return err
		}
		if w := m.impossibleWarning(e, f.estimate.value[k], cover); w != "" {
			f.warnings = append(f.warnings, w)
		}
	}
	for _, c := range m.toEstimate {
		solve := m.solveMarginal
		if opts.ExactDependencies && len(c.lfs) > 1 {
			solve = m.dependentMarginal
		}
		vals, err := solve(s, f, c)
		if err != nil {
			return err
		}
		f.marginals[c.key()] = vals
	}
	m.buildInference(f)
	if err := f.checkTables(); err != nil {
		return fmt.Errorf("labelmodel: %w", err)
	}
	m.fit = f
	return nil
}

// probability turns an estimated expectation into the probability
// FlyingSquid puts in its linear system:
// P(prod λ_A · Y = 1, λ_Z = 0) = (1 + E - P(some λ in A abstains)) / 2 · P(λ_Z = 0).
// It also returns the coverage P(every λ in A votes), the largest |E|
// any distribution allows.
func (m *Model) probability(s *Stats, f *fitted, e expectation) (p, cover float64, err error) {
	ev := f.estimate.value[e.key()]
	if m.noAbs {
		return 0.5 * (1 + ev), 1, nil
	}
	anyZero, err := s.query(e.lfs, func(v []int) bool { return slices.Contains(v, 0) })
	if err != nil {
		return 0, 0, err
	}
	cover = 1 - float64(anyZero)/float64(s.n)
	p = 0.5 * (1 + ev - float64(anyZero)/float64(s.n)) // FlyingSquid's rounding
	if len(e.cond) > 0 {
		pz, err := s.query(e.cond, allZero)
		if err != nil {
			return 0, 0, err
		}
		p *= float64(pz) / float64(s.n)
	}
	return p, cover, nil
}

func allZero(v []int) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// rowValue is the right-hand side of equation i of a clique's system.
func (m *Model) rowValue(s *Stats, f *fitted, equations *system, i int) (float64, error) {
	c, r := equations.clique, equations.rows[i]
	n := float64(s.n)
	pY := 1.0
	if r.yProd {
		pY = m.taskMarginal(f.classBalance, []int{c.t}, []int{1})
	}
	if k := equations.expKey[i]; k != "" {
		return f.prob[k], nil
	}
	pZero := 1.0
	if len(r.z) > 0 {
		z, err := s.query(r.z, allZero)
		if err != nil {
			return 0, err
		}
		pZero = float64(z) / n
	}
	if len(r.a) == 0 {
		return pY * pZero, nil
	}
	// LFs only: P(prod λ_A = 1), which FlyingSquid conditions on λ_Z = 0
	// (a count over the rows where λ_Z abstains) when Z is not empty.
	set := append(slices.Clone(r.a), r.z...)
	slices.Sort(set)
	var basis, hits int64
	j, err := s.joint(set)
	if err != nil {
		return 0, err
	}
	for idx, cnt := range j {
		digits := base3(idx, len(set))
		zeroOK, prod := true, 1
		for l, lf := range set {
			val := digits[l] - 1
			if slices.Contains(r.z, lf) {
				zeroOK = zeroOK && val == 0
			} else {
				prod *= val
			}
		}
		if zeroOK {
			basis += cnt
			if prod == 1 {
				hits += cnt
			}
		}
	}
	if basis == 0 {
		return 0, nil
	}
	return float64(hits) / float64(basis), nil
}

// solveMarginal solves B e = r for the marginal of clique c and repairs
// negative entries.
func (m *Model) solveMarginal(s *Stats, f *fitted, c estClique) ([]float64, error) {
	equations := m.systems[c.key()]
	r := make([]float64, len(equations.rows))
	for i := range equations.rows {
		v, err := m.rowValue(s, f, equations, i)
		if err != nil {
			return nil, err
		}
		r[i] = v
	}
	vals, err := equations.solve(r)
	if err != nil {
		return nil, fmt.Errorf("labelmodel: solving the marginal of %s: %w", m.g.describe(append(slices.Clone(c.lfs), m.g.m+c.t)), err)
	}
	for k, x := range vals {
		if x < 0 {
			if f.opts.Negative == Clamp {
				vals[k] = 1e-8
			} else {
				vals[k] = -x
			}
		}
	}
	for pass := 0; pass < 2; pass++ { // FlyingSquid normalises, then pgmpy again
		var sum float64
		for _, x := range vals {
			sum += x
		}
		if sum == 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
			f.warnings = append(f.warnings, fmt.Sprintf("%s is degenerate (sum %v), so it is taken as uniform", m.cliqueWords(c), sum))
			for k := range vals {
				vals[k] = 1 / float64(len(vals))
			}
			break
		}
		for k := range vals {
			vals[k] /= sum
		}
	}
	return vals, nil
}

// dependentMarginal estimates the marginal of a clique of several LFs and
// one task from the LFs the task separates from it (see
// Options.ExactDependencies).
func (m *Model) dependentMarginal(s *Stats, f *fitted, c estClique) ([]float64, error) {
	var others []int
	var beta []float64
	for l := 0; l < m.spec.M; l++ {
		if m.g.taskOf[l] != c.t || !m.sep.separated(c.lfs, []int{l}, c.t) {
			continue
		}
		if b := f.estimate.value[expectation{lfs: []int{l}, t: c.t}.key()]; b > 0 {
			others, beta = append(others, l), append(beta, b)
		}
	}
	if len(others) == 0 {
		return nil, fmt.Errorf("labelmodel: no LF with a non-zero accuracy is separated from %s", m.g.describe(append(slices.Clone(c.lfs), m.g.m+c.t)))
	}
	k := len(c.lfs)
	nu := pow3(k)
	pu := make([]float64, nu) // P(u)
	du := make([]float64, nu) // D_u
	n := float64(s.n)
	for x, o := range others {
		set := append(slices.Clone(c.lfs), o)
		slices.Sort(set)
		pos := slices.Index(set, o)
		j, err := s.joint(set)
		if err != nil {
			return nil, err
		}
		for idx, cnt := range j {
			digits := base3(idx, k+1)
			u := 0
			for l, d := range digits {
				if l != pos {
					u = u*3 + d
				}
			}
			if x == 0 {
				pu[u] += float64(cnt) / n
			}
			du[u] += float64(digits[pos]-1) * float64(cnt) / n / beta[x] / float64(len(others))
		}
	}
	equations := m.systems[c.key()]
	vals := make([]float64, len(equations.cols))
	for u := 0; u < nu; u++ {
		d := max(-pu[u], min(pu[u], du[u]))
		for y := 0; y < 2; y++ {
			if j := equations.column[u*2+y]; j >= 0 {
				vals[j] = (pu[u] + float64(2*y-1)*d) / 2
			}
		}
	}
	return vals, nil
}
