package labelmodel

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/squid-ws/squid/cpu"
)

// buildInference turns the fitted marginals into log tables:
// log P(y | votes) = base[y] + sum over LF cliques of log μ_c(votes_c, y_t)
// + const, where base holds the task-only cliques and the separators
// (divided d-1 times as FlyingSquid does, d times with ExactSeparators).
func (m *Model) buildInference(f *fitted) {
	k := m.Classes()
	ys := m.YPatterns()
	f.base = make([]float64, k)
	f.factors = nil
	addTaskTerm := func(tasks []int, power float64) {
		for y := range f.base {
			vals := make([]int, len(tasks))
			for j, t := range tasks {
				vals[j] = int(ys[y][t])
			}
			f.base[y] += powerLog(power, m.taskMarginal(f.classBalance, tasks, vals))
		}
	}
	for _, c := range m.jt.cliques {
		lfs, tasks := m.g.split(c)
		switch {
		case len(lfs) == 0:
			addTaskTerm(tasks, 1)
		case len(tasks) == 1:
			f.factors = append(f.factors, m.cliqueFactor(f, estClique{lfs: lfs, t: tasks[0]}, 1))
		}
		// Cliques of LFs only do not depend on Y and cancel out.
	}
	for s, c := range m.jt.separators {
		power := -float64(m.jt.degree[s] - 1)
		if f.opts.ExactSeparators {
			power = -float64(m.jt.degree[s])
		}
		lfs, tasks := m.g.split(c)
		switch {
		case len(lfs) == 0:
			addTaskTerm(tasks, power)
		case len(tasks) == 1 && !f.opts.FlyingSquidCompat && power != 0:
			c := estClique{lfs: lfs, t: tasks[0]}
			if slices.Contains(f.marginals[c.key()], 0) {
				f.warn(fmt.Sprintf("the separator %s has zero entries: the vote patterns it divides are taken as impossible", strings.TrimPrefix(m.cliqueWords(c), "the ")))
			}
			f.factors = append(f.factors, m.cliqueFactor(f, c, power))
		}
	}
}

// powerLog returns power · log p, the log of p^power, defined for p = 0:
// -Inf whatever the sign of power. A separator marginal of zero (divided
// by, power < 0) means the pattern has probability zero in the junction
// tree factorisation (the cliques holding the separator give it zero as
// well), so it is impossible, not infinitely likely: +Inf here would meet
// a clique's -Inf and make NaN. A row on which every pattern is
// impossible gets the uniform distribution (cpu.Posterior).
func powerLog(power, p float64) float64 {
	switch {
	case power == 0:
		return 0
	case p == 0:
		return math.Inf(-1)
	}
	return power * math.Log(p)
}

// cliqueFactor returns power · log μ_c as a table over the clique's votes
// (3 states each) and the Y patterns.
func (m *Model) cliqueFactor(f *fitted, c estClique, power float64) cpu.Factor {
	k := m.Classes()
	vals := f.marginals[c.key()]
	equations := m.systems[c.key()]
	ys := m.YPatterns()
	nv := pow3(len(c.lfs))
	table := make([]float64, nv*k)
	for idx := 0; idx < nv; idx++ {
		for y := 0; y < k; y++ {
			yv := 0
			if ys[y][c.t] == 1 {
				yv = 1
			}
			// A 0 vote in a model without abstentions is never looked up.
			if j := equations.column[idx*2+yv]; j >= 0 {
				table[idx*k+y] = powerLog(power, vals[j])
			}
		}
	}
	return cpu.Factor{LFs: slices.Clone(c.lfs), Table: table}
}

func (m *Model) checkVotes(v Votes) error {
	if m.fit == nil {
		return ErrNotFitted
	}
	if v.M != m.spec.M {
		return shapeError("votes", v.M, m.spec.M, "votes have %d columns, the model has %d LFs", v.M, m.spec.M)
	}
	return v.Validate(!m.noAbs)
}

// PredictProba returns P(Y = y | votes) for every row (n x 2^v), columns
// in YPatterns order.
func (m *Model) PredictProba(v Votes) (*mat.Dense, error) {
	if err := m.checkVotes(v); err != nil {
		return nil, err
	}
	k := m.Classes()
	if v.N == 0 {
		return &mat.Dense{}, nil
	}
	out := make([]float64, v.N*k)
	backend().Posterior(out, v.Data, v.M, m.fit.base, m.fit.factors)
	return mat.NewDense(v.N, k, out), nil
}

// PredictProbaInto writes P(Y = y | votes) into out (n x 2^v, row-major)
// without allocating, for streaming prediction.
func (m *Model) PredictProbaInto(out []float64, v Votes) error {
	if err := m.checkVotes(v); err != nil {
		return err
	}
	if len(out) != v.N*m.Classes() {
		return shapeError("output", len(out), v.N*m.Classes(), "output has %d values, want %d x %d", len(out), v.N, m.Classes())
	}
	backend().Posterior(out, v.Data, v.M, m.fit.base, m.fit.factors)
	return nil
}

// PredictProbaMarginal returns P(Y_t = +1 | votes) for every row and task
// (n x v).
func (m *Model) PredictProbaMarginal(v Votes) (*mat.Dense, error) {
	if err := m.checkVotes(v); err != nil {
		return nil, err
	}
	if v.N == 0 {
		return &mat.Dense{}, nil
	}
	out := make([]float64, v.N*m.g.v)
	if err := m.PredictProbaMarginalInto(out, make([]float64, v.N*m.Classes()), v); err != nil {
		return nil, err
	}
	return mat.NewDense(v.N, m.g.v, out), nil
}

// Predict returns the most probable Y vector of every row (n x v, -1 or
// +1); ties go to the first pattern in YPatterns order.
func (m *Model) Predict(v Votes) ([][]int8, error) {
	p, err := m.PredictProba(v)
	if err != nil {
		return nil, err
	}
	ys := m.YPatterns()
	out := make([][]int8, v.N)
	for r := range out {
		row := p.RawRowView(r)
		best := 0
		for y, q := range row {
			if q > row[best] {
				best = y
			}
		}
		out[r] = slices.Clone(ys[best])
	}
	return out, nil
}

// PredictProbaMarginalInto writes P(Y_t = +1 | votes) into out (n x v,
// row-major) without allocating matrices, as PredictProbaMarginal returns
// them; scratch must hold n x 2^v values.
func (m *Model) PredictProbaMarginalInto(out, scratch []float64, v Votes) error {
	k, vt := m.Classes(), m.g.v
	if len(out) != v.N*vt || len(scratch) != v.N*k {
		return shapeError("output", len(out), v.N*vt, "output has %d values and scratch %d, want %d x %d and %d x %d", len(out), len(scratch), v.N, vt, v.N, k)
	}
	if err := m.PredictProbaInto(scratch, v); err != nil {
		return err
	}
	clear(out)
	for r := 0; r < v.N; r++ {
		for y := 0; y < k; y++ {
			for t := 0; t < vt; t++ {
				if y>>(vt-1-t)&1 == 1 {
					out[r*vt+t] += scratch[r*k+y]
				}
			}
		}
	}
	return nil
}
