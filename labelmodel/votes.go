package labelmodel

import (
	"fmt"

	"github.com/squid-ws/squid/cpu"
)

// Votes is an n x m matrix of labeling-function votes in row-major order:
// Data[r*M+i] is the vote of LF i on row r, -1 or +1, or 0 for an
// abstention.
type Votes struct {
	N, M int
	Data []int8
}

// NewVotes wraps data (row-major, n rows of m votes) after checking its
// shape and that every value is -1, 0 or +1.
func NewVotes(n, m int, data []int8) (Votes, error) {
	v := Votes{N: n, M: m, Data: data}
	return v, v.Validate(true)
}

// Row returns the votes of row r.
func (v Votes) Row(r int) []int8 { return v.Data[r*v.M : (r+1)*v.M] }

// Validate checks the shape and the values; with allowAbstain false a 0
// vote is an error too. The error names the first bad row, column and value.
func (v Votes) Validate(allowAbstain bool) error {
	if v.N < 0 || v.M <= 0 || len(v.Data) != v.N*v.M {
		return shapeError("votes", len(v.Data), v.N*v.M, "votes of shape %d x %d need %d values, got %d", v.N, v.M, v.N*v.M, len(v.Data))
	}
	if allValid(v.Data, allowAbstain) {
		return nil
	}
	for k, x := range v.Data {
		if x == 1 || x == -1 || (x == 0 && allowAbstain) {
			continue
		}
		what := "must be -1, 0 or +1"
		if !allowAbstain {
			what = "must be -1 or +1 (the model does not allow abstentions)"
		}
		return &VoteError{Row: k / v.M, Col: k % v.M, Value: int(x),
			msg: fmt.Sprintf("labelmodel: vote at row %d, column %d is %d: %s", k/v.M, k%v.M, x, what)}
	}
	return nil
}

// allValid tells whether every value is -1 or +1, or 0 too when
// allowAbstain: cpu.ValidVotes, vector instructions and every core.
func allValid(data []int8, allowAbstain bool) bool { return cpu.ValidVotes(data, allowAbstain) }
