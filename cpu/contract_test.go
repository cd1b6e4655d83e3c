package cpu

import (
	"strings"
	"testing"
)

// mustPanic runs f and fails unless it panics with a message containing
// want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil {
			t.Errorf("%s: no panic, want one naming %q", name, want)
		} else if !strings.Contains(msg, want) {
			t.Errorf("%s: panic %v, want one naming %q", name, r, want)
		}
	}()
	f()
}

// Every exported kernel panics with a message naming itself and the
// broken precondition, not an index or divide-by-zero runtime error.
func TestKernelPreconditionsPanicByName(t *testing.T) {
	c3 := NewCounts(3)
	votes := []int8{1, -1, 0, 1, 1, 1}
	base := []float64{0, 0}
	good := []Factor{{LFs: []int{0}, Table: make([]float64, 6)}}
	cases := []struct {
		name, want string
		f          func()
	}{
		{"Count m=0", "cpu: Count: m = 0", func() { Count(c3, nil, 0) }},
		{"Count partial row", "cpu: Count: 5 votes is not a whole number of rows of m = 3", func() { Count(c3, votes[:5], 3) }},
		{"Count wrong counts", "cpu: Count: counts of 3, 3 and 3 pairs, want 4, 4 and 6", func() { Count(c3, make([]int8, 8), 4) }},
		{"CountReference m=0", "cpu: CountReference: m = 0", func() { CountReference(c3, votes, 0) }},
		{"Kernel.Count", "cpu: Kernel.Count: m = -1", func() { Kernels()[0].Count(c3, votes, -1) }},
		{"AddRow", "cpu: AddRow: counts of 3", func() { AddRow(c3, []int8{1, 1}, 1) }},
		{"Counts.Add", "cpu: Counts.Add: counts of 4", func() { c3.Add(NewCounts(4)) }},
		{"NewCounts", "cpu: NewCounts: m = -2", func() { NewCounts(-2) }},
		{"PairIndex", "cpu: PairIndex(2, 1, 3)", func() { PairIndex(2, 1, 3) }},
		{"Posterior empty base", "cpu: Posterior: no Y patterns", func() { Posterior(nil, nil, 3, nil, nil) }},
		{"Posterior rows", "cpu: Posterior: 6 votes for 1 output rows of m = 3, want 3", func() { Posterior(make([]float64, 2), votes, 3, base, good) }},
		{"Posterior factor LF", "cpu: Posterior: factor 0 names LF 5", func() {
			Posterior(make([]float64, 4), votes, 3, base, []Factor{{LFs: []int{5}, Table: make([]float64, 6)}})
		}},
		{"PosteriorReference table", "cpu: PosteriorReference: factor 0 over 1 LFs has 4 table entries, want 3^1 x 2 = 6", func() {
			PosteriorReference(make([]float64, 4), votes, 3, base, []Factor{{LFs: []int{0}, Table: make([]float64, 4)}})
		}},
		{"LogOddsTable", "cpu: LogOddsTable: factor 0 names LF 3", func() {
			LogOddsTable(3, base, []Factor{{LFs: []int{3}, Table: make([]float64, 6)}})
		}},
		{"TripletAggregate outputs", "cpu: TripletAggregate: outputs of 2 values", func() {
			lf, comp := AllPairs(3)
			TripletAggregate(NewTripletResult(2), TripletRequest{Pairs: make([]float64, 9), M: 3, LF: lf, Comp: comp})
		}},
		{"TripletAggregate pairs", "cpu: TripletAggregate: 8 pair moments for m = 3", func() {
			lf, comp := AllPairs(3)
			TripletAggregate(NewTripletResult(3), TripletRequest{Pairs: make([]float64, 8), M: 3, LF: lf, Comp: comp})
		}},
		{"TripletAggregate LF", "cpu: TripletAggregate: expectation 0 is LF 7", func() {
			TripletAggregate(NewTripletResult(1), TripletRequest{Pairs: make([]float64, 9), M: 3, LF: []int{7}, Comp: make([]int, 3)})
		}},
		{"TripletCandidates", "cpu: TripletCandidates: 1 moments for 2 candidates", func() {
			TripletCandidates(nil, []float64{1}, []int{0, 1}, nil, make([]float64, 9), 3)
		}},
		{"Median", "cpu: Median of no values", func() { Median(nil) }},
		{"AllPairs", "cpu: AllPairs: m = -1", func() { AllPairs(-1) }},
	}
	for _, c := range cases {
		mustPanic(t, c.name, c.want, c.f)
	}
}

// Arguments that meet the preconditions do not panic, including the
// empty ones.
func TestKernelPreconditionsAcceptValid(t *testing.T) {
	c3 := NewCounts(3)
	Count(c3, nil, 3)
	Count(c3, []int8{1, -1, 0}, 3)
	CountReference(c3, []int8{1, -1, 0}, 3)
	AddRow(c3, []int8{1, 1, 1}, 1)
	c3.Add(NewCounts(3))
	Posterior(nil, nil, 3, []float64{0, 0}, nil)
	PosteriorReference(make([]float64, 2), []int8{1, 1, 1}, 3, []float64{0, 0}, []Factor{{LFs: []int{0, 2}, Table: make([]float64, 18)}})
	lf, comp := AllPairs(3)
	TripletAggregate(NewTripletResult(3), TripletRequest{Pairs: make([]float64, 9), M: 3, LF: lf, Comp: comp})
	if got := PairIndex(1, 2, 3); got != 2 {
		t.Errorf("PairIndex(1, 2, 3) = %d, want 2", got)
	}
}
