package labelmodel

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// system is the linear system B e = r of one estimated marginal, prepared
// once per model: B depends only on the clique's shape, so its LU
// factorisation is reused by every fit (refits in the online loss are
// frequent).
type system struct {
	clique estClique
	rows   []systemRow
	cols   [][]int
	lu     mat.LU
	// expKey[i] is the key of the expectation row i needs, "" if none.
	expKey []string
	// column[idx*2+y] is the marginal entry for clique votes idx (base 3,
	// as in cpu.Factor) and Y = -1 (y = 0) or +1 (y = 1); -1 when a vote
	// is 0 in a model without abstentions.
	column []int
}

func newSystem(c estClique, noAbs bool) (*system, error) {
	s := &system{clique: c, rows: c.rows(noAbs), cols: c.columns(noAbs)}
	b := mat.NewDense(len(s.rows), len(s.cols), nil)
	s.expKey = make([]string, len(s.rows))
	for i, row := range s.rows {
		for j, col := range s.cols {
			if c.covers(row, col) {
				b.Set(i, j, 1)
			}
		}
		if len(row.a) > 0 && row.yProd {
			s.expKey[i] = expectation{lfs: row.a, t: c.t, cond: row.z}.key()
		}
	}
	s.lu.Factorize(b)
	if s.lu.Det() == 0 {
		return nil, fmt.Errorf("labelmodel: the system of marginal %v is singular", c.lfs)
	}
	index := map[string]int{}
	for j, col := range s.cols {
		index[fmt.Sprint(col)] = j
	}
	nv := pow3(len(c.lfs))
	s.column = make([]int, nv*2)
	for idx := 0; idx < nv; idx++ {
		col := make([]int, len(c.lfs)+1)
		for l, d := range base3(idx, len(c.lfs)) {
			col[l] = d - 1
		}
		for y, yv := range []int{-1, 1} {
			col[len(col)-1] = yv
			j, ok := index[fmt.Sprint(col)]
			if !ok {
				j = -1
			}
			s.column[idx*2+y] = j
		}
	}
	return s, nil
}

// solve returns the marginal for right-hand side r.
func (s *system) solve(r []float64) ([]float64, error) {
	var e mat.VecDense
	if err := s.lu.SolveVecTo(&e, false, mat.NewVecDense(len(r), r)); err != nil {
		return nil, err
	}
	return slices.Clone(e.RawVector().Data), nil
}
