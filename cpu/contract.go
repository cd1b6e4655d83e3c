package cpu

import "fmt"

// The exported kernels check the shapes of their arguments (never the
// vote values: callers validate those, and a check per vote would cost
// what the kernels save) and panic with a message naming the kernel and
// the mismatch, as gonum's mat does: a broken precondition is a bug in
// the caller, not bad data. Data errors are reported as errors one level
// up, in package labelmodel.

// checkCountArgs panics unless dst holds counts for m LFs and votes is
// whole rows of m votes.
func checkCountArgs(kernel string, dst Counts, votes []int8, m int) {
	switch {
	case m <= 0:
		panic(fmt.Sprintf("cpu: %s: m = %d labeling functions, want at least 1", kernel, m))
	case len(votes)%m != 0:
		panic(fmt.Sprintf("cpu: %s: %d votes is not a whole number of rows of m = %d", kernel, len(votes), m))
	}
	checkCountsShape(kernel, dst, m)
}

// checkCountsShape panics unless c holds counts for m LFs.
func checkCountsShape(kernel string, c Counts, m int) {
	if len(c.Pos) != m || len(c.Neg) != m || len(c.Pairs) != NumPairs(m) {
		panic(fmt.Sprintf("cpu: %s: counts of %d, %d and %d pairs, want %d, %d and %d for m = %d",
			kernel, len(c.Pos), len(c.Neg), len(c.Pairs), m, m, NumPairs(m), m))
	}
}

// checkPosteriorArgs panics unless out holds whole rows of K = len(base)
// patterns, votes the same number of rows of m votes, and every factor
// names LFs in [0, m) with a table of 3^len(LFs) x K entries.
func checkPosteriorArgs(kernel string, out []float64, votes []int8, m int, base []float64, factors []Factor) {
	k := len(base)
	switch {
	case k == 0:
		panic(fmt.Sprintf("cpu: %s: no Y patterns (empty base)", kernel))
	case m <= 0:
		panic(fmt.Sprintf("cpu: %s: m = %d labeling functions, want at least 1", kernel, m))
	case len(out)%k != 0:
		panic(fmt.Sprintf("cpu: %s: output of %d values is not a whole number of rows of K = %d", kernel, len(out), k))
	case len(votes) != len(out)/k*m:
		panic(fmt.Sprintf("cpu: %s: %d votes for %d output rows of m = %d, want %d", kernel, len(votes), len(out)/k, m, len(out)/k*m))
	}
	checkFactors(kernel, m, k, factors)
}

// checkFactors panics unless every factor names LFs in [0, m) and has a
// table of 3^len(LFs) x k entries.
func checkFactors(kernel string, m, k int, factors []Factor) {
	for x, f := range factors {
		cells := k
		for _, l := range f.LFs {
			if l < 0 || l >= m {
				panic(fmt.Sprintf("cpu: %s: factor %d names LF %d, out of range [0, %d)", kernel, x, l, m))
			}
			cells *= 3
		}
		if len(f.Table) != cells {
			panic(fmt.Sprintf("cpu: %s: factor %d over %d LFs has %d table entries, want 3^%d x %d = %d", kernel, x, len(f.LFs), len(f.Table), len(f.LFs), k, cells))
		}
	}
}
