package labelmodel

import (
	"fmt"
	"slices"
	"strings"
)

// expectation is one unobservable mean parameter the triplet method
// estimates: E[prod over lfs of λ · Y_t | every LF in cond abstains]
// (cond is empty for an unconditional one). lfs and cond are sorted.
type expectation struct {
	lfs  []int
	t    int
	cond []int
}

func (e expectation) key() string { return fmt.Sprintf("%v|%d|%v", e.lfs, e.t, e.cond) }

func (e expectation) equal(o expectation) bool {
	return e.t == o.t && slices.Equal(e.lfs, o.lfs) && slices.Equal(e.cond, o.cond)
}

// pyKey returns FlyingSquid's key tuples for e: the names in the product
// (LF names in index order, then the task) and the names that must be
// zero (or "0" when there are none).
func (g *graph) pyKey(e expectation) (one, zero []string) {
	for _, l := range e.lfs {
		one = append(one, g.name(l))
	}
	one = append(one, g.name(g.m+e.t))
	for _, l := range e.cond {
		zero = append(zero, g.name(l))
	}
	if len(zero) == 0 {
		zero = []string{"0"}
	}
	return one, zero
}

// pyLess orders expectations as Python orders their key tuples.
func (g *graph) pyLess(a, b expectation) bool {
	a1, a0 := g.pyKey(a)
	b1, b0 := g.pyKey(b)
	if c := slices.Compare(a1, b1); c != 0 {
		return c < 0
	}
	return slices.Compare(a0, b0) < 0
}

// pyString renders e the way FlyingSquid prints its key, e.g.
// "(('lambda_0', 'Y_0'), ('0',))"; with noAbstain the condition is omitted.
func (g *graph) pyString(e expectation, noAbstain bool) string {
	one, zero := g.pyKey(e)
	tuple := func(s []string) string {
		q := make([]string, len(s))
		for k, x := range s {
			q[k] = "'" + x + "'"
		}
		if len(q) == 1 {
			return "(" + q[0] + ",)"
		}
		return "(" + strings.Join(q, ", ") + ")"
	}
	if noAbstain {
		return tuple(one)
	}
	return "(" + tuple(one) + ", " + tuple(zero) + ")"
}

// estClique is a marginal over some LFs and one task that must be
// estimated (a junction-tree clique or separator).
type estClique struct {
	lfs []int
	t   int
}

func (c estClique) key() string { return fmt.Sprintf("%v|%d", c.lfs, c.t) }

// role of a variable in a row of the linear system that maps a clique's
// marginal to observable and estimated probabilities.
const (
	roleFree = iota // unconstrained
	roleProd        // part of the product that must equal +1
	roleZero        // must abstain (LFs only, when abstentions are allowed)
)

// systemRow is one equation: P(prod over A of λ · (Y if yProd) = 1, λ_Z = 0).
type systemRow struct {
	a, z  []int
	yProd bool
}

// rows enumerates the equations for clique c: every assignment of roles.
// There are as many as the marginal has entries.
func (c estClique) rows(noAbstain bool) []systemRow {
	nroles := 3
	if noAbstain {
		nroles = 2
	}
	k := len(c.lfs)
	total := 2
	for range c.lfs {
		total *= nroles
	}
	out := make([]systemRow, 0, total)
	for idx := 0; idx < total; idx++ {
		var r systemRow
		x := idx
		r.yProd = x%2 == 1
		x /= 2
		for l := k - 1; l >= 0; l-- {
			switch x % nroles {
			case roleProd:
				r.a = append(r.a, c.lfs[l])
			case roleZero:
				r.z = append(r.z, c.lfs[l])
			}
			x /= nroles
		}
		slices.Sort(r.a)
		slices.Sort(r.z)
		out = append(out, r)
	}
	return out
}

// lfValues are the values an LF takes in a marginal's value order.
func lfValues(noAbstain bool) []int {
	if noAbstain {
		return []int{-1, 1}
	}
	return []int{-1, 0, 1}
}

// columns enumerates the marginal's entries as value vectors: the clique's
// LFs in index order (first slowest), then the task, values ascending.
func (c estClique) columns(noAbstain bool) [][]int {
	vals := lfValues(noAbstain)
	cols := [][]int{{}}
	for range c.lfs {
		var next [][]int
		for _, col := range cols {
			for _, v := range vals {
				next = append(next, append(slices.Clone(col), v))
			}
		}
		cols = next
	}
	var out [][]int
	for _, col := range cols {
		for _, y := range []int{-1, 1} {
			out = append(out, append(slices.Clone(col), y))
		}
	}
	return out
}

// covers reports whether the marginal entry col (values of c.lfs, then Y)
// counts towards equation r.
func (c estClique) covers(r systemRow, col []int) bool {
	prod := 1
	for l, lf := range c.lfs {
		v := col[l]
		switch {
		case slices.Contains(r.z, lf):
			if v != 0 {
				return false
			}
		case slices.Contains(r.a, lf):
			if v == 0 {
				return false
			}
			prod *= v
		}
	}
	if r.yProd {
		prod *= col[len(col)-1]
	}
	return prod == 1
}
