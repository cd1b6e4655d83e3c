package cpu

import "fmt"

// LogOdds is the per-LF log-odds table of an independent one-task model
// (every factor one LF, two Y patterns), the form the log-odds posterior
// and the fused GPU loss consume. It is flat so that it uploads as one
// buffer: three entries per LF, for its votes -1, 0 and +1 (LF i's at
// 3i, 3i+1, 3i+2), then the base log-odds at 3m, so that
//
//	log P(Y=+1 | row) / P(Y=-1 | row) = t.Base() + sum over i of t.At(i, row[i])
//
// which t.Logit computes. Package cuda (fused.go) and kernels/squid.cu
// read the same layout by hand on the GPU.
type LogOdds []float64

// LogOddsLen returns the length of the log-odds table of m LFs, 3m+1.
func LogOddsLen(m int) int { return 3*m + 1 }

// NewLogOdds returns a zeroed log-odds table for m LFs. It panics if
// m < 0.
func NewLogOdds(m int) LogOdds {
	if m < 0 {
		panic(fmt.Sprintf("cpu: NewLogOdds: m = %d labeling functions", m))
	}
	return make(LogOdds, LogOddsLen(m))
}

// LFs returns the number of LFs the table covers.
func (t LogOdds) LFs() int { return (len(t) - 1) / 3 }

// Base returns the base log-odds, log P(Y=+1) / P(Y=-1) before any vote.
func (t LogOdds) Base() float64 { return t[len(t)-1] }

// SetBase sets the base log-odds.
func (t LogOdds) SetBase(x float64) { t[len(t)-1] = x }

// At returns the log-odds contribution of LF i voting vote (-1, 0 or +1).
func (t LogOdds) At(i int, vote int8) float64 { return t[3*i+int(vote)+1] }

// Add adds x to the contribution of LF i voting vote (-1, 0 or +1).
func (t LogOdds) Add(i int, vote int8, x float64) { t[3*i+int(vote)+1] += x }

// Logit returns the log-odds of Y = +1 for one row of m votes.
func (t LogOdds) Logit(row []int8) float64 {
	s := t.Base()
	for i, v := range row {
		s += t.At(i, v)
	}
	return s
}

// Factors expresses the table as Posterior's arguments: base {0, Base()}
// and one single-LF factor per LF whose Y = -1 terms are 0. Posterior on
// them gives the probabilities the table does.
func (t LogOdds) Factors() (base []float64, factors []Factor) {
	factors = make([]Factor, t.LFs())
	for i := range factors {
		factors[i] = Factor{LFs: []int{i}, Table: []float64{0, t.At(i, -1), 0, t.At(i, 0), 0, t.At(i, 1)}}
	}
	return []float64{0, t.Base()}, factors
}

// CliqueIndex returns the index of the votes of the LFs lfs in row, as
// Factor tables and joint count tables lay them out: the base-3 number
// whose digits, most significant first, are vote+1 of each LF in order.
func CliqueIndex(row []int8, lfs []int) int {
	idx := 0
	for _, l := range lfs {
		idx = idx*3 + int(row[l]) + 1
	}
	return idx
}
