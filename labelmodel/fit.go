package labelmodel

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

// Method is how the triplet method turns LF agreements into accuracies.
type Method string

// The solve methods of FlyingSquid.
const (
	// TripletMean averages each accuracy over every valid triplet (default).
	TripletMean Method = "triplet_mean"
	// TripletMedian takes the median over every valid triplet.
	TripletMedian Method = "triplet_median"
	// Triplet uses one triplet per accuracy, chosen as FlyingSquid does.
	Triplet Method = "triplet"
)

// Negative says what to do with negative entries of an estimated marginal.
type Negative string

// Ways of repairing negative marginal entries, as in FlyingSquid.
const (
	// Flip replaces a negative entry by its absolute value (default).
	Flip Negative = "flip"
	// Clamp replaces a negative entry by 1e-8.
	Clamp Negative = "clamp"
)

// Options control a fit. The zero value fits with triplet_mean, a uniform
// class balance and flipped negative entries.
type Options struct {
	Method Method
	// ClassBalance is P(Y) over the 2^v patterns in YPatterns order; it is
	// normalised to sum 1. Nil means uniform unless DevLabels is given.
	ClassBalance []float64
	// DevLabels are gold labels (n_dev x v, row-major, -1 or +1) from which
	// the class balance is estimated when ClassBalance is nil.
	DevLabels []int8
	// Negative is the repair of negative marginal entries ("" = Flip).
	Negative Negative
	// FlyingSquidCompat reproduces the original FlyingSquid where it is
	// wrong: triplet_mean and triplet_median use every pair of LFs when
	// there are no LF dependencies, even when the tasks are linked (v > 1),
	// and separators holding LFs are left out of inference.
	FlyingSquidCompat bool
	// ExactSeparators divides each separator marginal once per junction
	// tree edge, the exact factorisation. FlyingSquid (and the default)
	// divides once less, which counts the class balance twice when it is
	// not uniform.
	ExactSeparators bool
	// ExactDependencies estimates the marginal of a clique of dependent LFs
	// directly: for every joint vote u of the clique's LFs,
	// P(u, Y=±1) = (P(u) ± D_u)/2 with D_u = E[1{u} λ_f] / E[λ_f Y]
	// averaged over the LFs f that the task separates from the clique.
	// FlyingSquid's linear system (the default, for parity) mixes a
	// conditional probability into it, so its dependent-clique marginals
	// disagree with the LFs' own accuracies.
	ExactDependencies bool
}

// fitted holds everything a fit produces.
type fitted struct {
	opts      Options
	n         int64
	cb        []float64
	exps      *estimate
	prob      map[string]float64
	marginals map[string][]float64 // estClique key -> values in columns order
	abstain   []float64            // P(λ_i = 0)
	warnings  []string
	base      []float64
	factors   []cpu.Factor
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
	if f.cb, err = m.classBalance(opts); err != nil {
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
		f.exps, err = m.aggregate(mo, opts.Method == TripletMedian, allPairs)
	case Triplet:
		f.exps, err = m.single(mo)
	default:
		err = fmt.Errorf("labelmodel: unknown solve method %q (want triplet, triplet_mean or triplet_median)", opts.Method)
	}
	if err != nil {
		return err
	}
	for _, e := range m.exps {
		k := e.key()
		if z := f.exps.zeroDen[k]; z > 0 {
			f.warnings = append(f.warnings, fmt.Sprintf("estimating %s, %d of %d triplets had a zero denominator (counted as 0): the LFs rarely vote together", m.sentence(e), z, f.exps.triplets[k]))
		}
		if v := f.exps.value[k]; v > 1 {
			f.warnings = append(f.warnings, fmt.Sprintf("the estimate of %s is %.4g, which exceeds 1: the LFs may be dependent or the sample too small", m.sentence(e), v))
		}
		if f.prob[k], err = m.probability(s, f, e); err != nil {
			return err
		}
	}
	for _, c := range m.est {
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

// check validates the options that do not depend on the model.
func (o Options) check() error {
	switch o.Method {
	case "", TripletMean, TripletMedian, Triplet:
	default:
		return fmt.Errorf("labelmodel: unknown solve method %q (want triplet, triplet_mean or triplet_median)", o.Method)
	}
	if o.Negative != "" && o.Negative != Flip && o.Negative != Clamp {
		return fmt.Errorf("labelmodel: unknown negative-marginal rule %q (want flip or clamp)", o.Negative)
	}
	return nil
}

// CheckOptions reports whether opts can fit m: a known method and
// negative rule, and a class balance of 2^v finite non-negative entries
// or dev labels of v columns of -1 or +1. FitStats makes these checks
// before anything else; a caller that keeps options for later fits (the
// online loss) checks them once, up front.
func (m *Model) CheckOptions(opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	_, err := m.classBalance(opts)
	return err
}

// classBalance returns P(Y) over the 2^v patterns.
func (m *Model) classBalance(opts Options) ([]float64, error) {
	k := m.Classes()
	cb := make([]float64, k)
	switch {
	case opts.ClassBalance != nil:
		return NormalizeClassBalance(opts.ClassBalance, k, "2^v")
	case opts.DevLabels != nil:
		v := m.g.v
		if len(opts.DevLabels) == 0 || len(opts.DevLabels)%v != 0 {
			return nil, fmt.Errorf("labelmodel: %d dev labels is not a positive multiple of v = %d", len(opts.DevLabels), v)
		}
		counts := make([]int, k)
		for r := 0; r < len(opts.DevLabels)/v; r++ {
			y := 0
			for t := 0; t < v; t++ {
				switch opts.DevLabels[r*v+t] {
				case 1:
					y = y<<1 | 1
				case -1:
					y <<= 1
				default:
					return nil, fmt.Errorf("labelmodel: dev label at row %d, task %d is %d, want -1 or +1", r, t, opts.DevLabels[r*v+t])
				}
			}
			counts[y]++
		}
		for y, c := range counts {
			cb[y] = float64(c) / float64(len(opts.DevLabels)/v)
		}
	default:
		for y := range cb {
			cb[y] = 1 / float64(k)
		}
	}
	return cb, nil
}

// NormalizeClassBalance checks that p has want entries (what names the
// count in the error, e.g. "2^v" or "k"), all finite and non-negative and
// not all zero, and returns them scaled to sum to one.
func NormalizeClassBalance(p []float64, want int, what string) ([]float64, error) {
	if len(p) != want {
		return nil, shapeError("class balance", len(p), want, "class balance has %d entries, want %s = %d", len(p), what, want)
	}
	var top float64
	for y, x := range p {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("labelmodel: class balance entry %d is %v, want a finite non-negative number", y, x)
		}
		top = max(top, x)
	}
	if top == 0 {
		return nil, errors.New("labelmodel: class balance sums to zero")
	}
	// Scaling by the largest entry first keeps the sum finite for entries
	// near the largest float64 (1e308 + 1e308 overflows to +Inf).
	var sum float64
	out := make([]float64, want)
	for y, x := range p {
		out[y] = x / top
		sum += out[y]
	}
	for y := range out {
		out[y] /= sum
	}
	return out, nil
}

// taskMarginal returns P(Y_tasks = values) under the class balance.
func (m *Model) taskMarginal(cb []float64, tasks []int, values []int) float64 {
	var p float64
	for y, py := range cb {
		ok := true
		for k, t := range tasks {
			bit := y >> (m.g.v - 1 - t) & 1
			if (bit == 1) != (values[k] == 1) {
				ok = false
				break
			}
		}
		if ok {
			p += py
		}
	}
	return p
}

// probability turns an estimated expectation into the probability
// FlyingSquid puts in its linear system:
// P(prod λ_A · Y = 1, λ_Z = 0) = (1 + E - P(some λ in A abstains)) / 2 · P(λ_Z = 0).
func (m *Model) probability(s *Stats, f *fitted, e expectation) (float64, error) {
	ev := f.exps.value[e.key()]
	if m.noAbs {
		return 0.5 * (1 + ev), nil
	}
	anyZero, err := s.query(e.lfs, func(v []int) bool { return slices.Contains(v, 0) })
	if err != nil {
		return 0, err
	}
	p := 0.5 * (1 + ev - float64(anyZero)/float64(s.n))
	if len(e.cond) > 0 {
		pz, err := s.query(e.cond, allZero)
		if err != nil {
			return 0, err
		}
		p *= float64(pz) / float64(s.n)
	}
	return p, nil
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
func (m *Model) rowValue(s *Stats, f *fitted, sys *system, i int) (float64, error) {
	c, r := sys.clique, sys.rows[i]
	n := float64(s.n)
	pY := 1.0
	if r.yProd {
		pY = m.taskMarginal(f.cb, []int{c.t}, []int{1})
	}
	if k := sys.expKey[i]; k != "" {
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
	sys := m.sys[c.key()]
	r := make([]float64, len(sys.rows))
	for i := range sys.rows {
		v, err := m.rowValue(s, f, sys, i)
		if err != nil {
			return nil, err
		}
		r[i] = v
	}
	vals, err := sys.solve(r)
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
		if b := f.exps.value[expectation{lfs: []int{l}, t: c.t}.key()]; b > 0 {
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
	sys := m.sys[c.key()]
	vals := make([]float64, len(sys.cols))
	for u := 0; u < nu; u++ {
		d := max(-pu[u], min(pu[u], du[u]))
		for y := 0; y < 2; y++ {
			if j := sys.column[u*2+y]; j >= 0 {
				vals[j] = (pu[u] + float64(2*y-1)*d) / 2
			}
		}
	}
	return vals, nil
}
