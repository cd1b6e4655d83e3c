package cpu

import (
	"fmt"
	"math"
	"slices"
)

// TripletValue is |E[λa Y]| from the triplet (a, b, c):
// sqrt(|M_ab M_ac / M_bc|), or 0 with zero = true when M_bc is 0
// (FlyingSquid's rule).
func TripletValue(mab, mac, mbc float64) (v float64, zero bool) {
	if mbc == 0 {
		return 0, true
	}
	return math.Sqrt(math.Abs(mab * mac / mbc)), false
}

// TripletCandidates appends to dst the triplet estimates of one expectation
// e over every pair x < y of candidate LFs: TripletValue(me[x], me[y],
// pairs[cands[x]*m+cands[y]]), where me[x] = E[λ_e λ_cands[x]] and pairs is
// the m x m second-moment matrix. With comp non-nil a pair counts only when
// its two LFs lie in different components (comp[i] is the component of LF
// i once the task node is removed: the task separates them). It returns the
// extended dst and the number of zero denominators.
//
// TripletCandidates panics unless len(pairs) = m*m, len(me) = len(cands),
// every candidate is in [0, m) and comp is nil or has at least m entries.
func TripletCandidates(dst []float64, me []float64, cands []int, comp []int, pairs []float64, m int) ([]float64, int) {
	switch {
	case len(pairs) != m*m:
		panic(fmt.Sprintf("cpu: TripletCandidates: %d pair moments for m = %d, want %d", len(pairs), m, m*m))
	case len(me) != len(cands):
		panic(fmt.Sprintf("cpu: TripletCandidates: %d moments for %d candidates", len(me), len(cands)))
	case comp != nil && len(comp) < m:
		panic(fmt.Sprintf("cpu: TripletCandidates: %d components for m = %d, want at least m", len(comp), m))
	}
	for x, f := range cands {
		if f < 0 || f >= m {
			panic(fmt.Sprintf("cpu: TripletCandidates: candidate %d is LF %d, out of range [0, %d)", x, f, m))
		}
	}
	return tripletCandidates(dst, me, cands, comp, pairs, m)
}

// tripletCandidates is TripletCandidates without the checks.
func tripletCandidates(dst []float64, me []float64, cands []int, comp []int, pairs []float64, m int) ([]float64, int) {
	zeros := 0
	for x, f := range cands {
		row := pairs[f*m : (f+1)*m]
		for y := x + 1; y < len(cands); y++ {
			s := cands[y]
			if comp != nil && comp[f] == comp[s] {
				continue
			}
			v, z := TripletValue(me[x], me[y], row[s])
			if z {
				zeros++
			}
			dst = append(dst, v)
		}
	}
	return dst, zeros
}

// TripletRequest is the input of the triplet step for single-LF
// expectations (TripletAggregate), the common case of a graph without LF
// dependencies.
type TripletRequest struct {
	// Pairs is the M x M second-moment matrix E[λ_i λ_j], row-major.
	Pairs []float64
	// M is the number of labeling functions.
	M int
	// LF[e] is the LF of expectation e, in [0, M).
	LF []int
	// Comp[e*M+f] is the component of LF f once expectation e's task node
	// is removed (len(LF) x M): the task separates LFs in different
	// components.
	Comp []int
	// Median takes the median of the triplet values instead of their mean.
	Median bool
}

// TripletResult receives the triplet step's output, one entry per
// expectation of the request.
type TripletResult struct {
	Value []float64 // the mean (or median) triplet value, 0 without triplets
	Count []int     // the number of triplets
	Zeros []int     // the triplets with a zero denominator
}

// NewTripletResult returns a result for e expectations.
func NewTripletResult(e int) TripletResult {
	return TripletResult{Value: make([]float64, e), Count: make([]int, e), Zeros: make([]int, e)}
}

// Validate reports whether dst can hold the result of r and r is well
// formed: len(Pairs) = M*M, len(Comp) = len(LF)*M, every LF in [0, M),
// and Value, Count and Zeros of len(LF) each. The error names the
// mismatch.
func (r TripletRequest) Validate(dst TripletResult) error {
	e := len(r.LF)
	switch {
	case r.M < 0:
		return fmt.Errorf("m = %d labeling functions", r.M)
	case len(r.Pairs) != r.M*r.M:
		return fmt.Errorf("%d pair moments for m = %d, want m*m = %d", len(r.Pairs), r.M, r.M*r.M)
	case len(r.Comp) != e*r.M:
		return fmt.Errorf("%d components for %d expectations and m = %d, want %d", len(r.Comp), e, r.M, e*r.M)
	case len(dst.Value) != e || len(dst.Count) != e || len(dst.Zeros) != e:
		return fmt.Errorf("outputs of %d values, %d counts and %d zero counts for %d expectations", len(dst.Value), len(dst.Count), len(dst.Zeros), e)
	}
	for x, l := range r.LF {
		if l < 0 || l >= r.M {
			return fmt.Errorf("expectation %d is LF %d, out of range [0, %d)", x, l, r.M)
		}
	}
	return nil
}

// TripletAggregate estimates |E[λ_e Y]| for each single-LF expectation e
// of r into dst. Candidates are the LFs f != LF[e] in another component
// than LF[e]; every candidate pair in different components gives a
// triplet value. dst.Value[e] is their mean (or median), dst.Count[e]
// their number and dst.Zeros[e] the zero denominators among them; an
// expectation without any triplet gets count 0.
//
// TripletAggregate panics if r.Validate(dst) reports an error.
func TripletAggregate(dst TripletResult, r TripletRequest) {
	if err := r.Validate(dst); err != nil {
		panic("cpu: TripletAggregate: " + err.Error())
	}
	m, pairs := r.M, r.Pairs
	var vals []float64
	var cands []int
	var me []float64
	for e, l := range r.LF {
		c := r.Comp[e*m : (e+1)*m]
		cands, me = cands[:0], me[:0]
		for f := 0; f < m; f++ {
			if f != l && c[f] != c[l] {
				cands = append(cands, f)
				me = append(me, pairs[l*m+f])
			}
		}
		vals, dst.Zeros[e] = tripletCandidates(vals[:0], me, cands, c, pairs, m)
		dst.Count[e] = len(vals)
		switch {
		case len(vals) == 0:
			dst.Value[e] = 0
		case r.Median:
			dst.Value[e] = Median(vals)
		default:
			dst.Value[e] = PairwiseSum(vals) / float64(len(vals))
		}
	}
}

// PairwiseSum sums like NumPy's add.reduce (pairwise, blocks of 8), so
// means round as FlyingSquid's np.mean does.
func PairwiseSum(x []float64) float64 {
	if len(x) < 8 {
		var s float64
		for _, v := range x {
			s += v
		}
		return s
	}
	if len(x) <= 128 {
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i+8 <= len(x); i += 8 {
			for k := 0; k < 8; k++ {
				r[k] += x[i+k]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < len(x); i++ {
			s += x[i]
		}
		return s
	}
	h := len(x) / 2
	h -= h % 8
	return PairwiseSum(x[:h]) + PairwiseSum(x[h:])
}

// Median returns the median of x (the mean of the two middle values for an
// even count), reordering x. It panics if x is empty.
func Median(x []float64) float64 {
	if len(x) == 0 {
		panic("cpu: Median of no values")
	}
	slices.Sort(x)
	h := len(x) / 2
	if len(x)%2 == 1 {
		return x[h]
	}
	return (x[h-1] + x[h]) / 2
}

// AllPairs returns the LF and Comp fields of a TripletRequest that
// estimates every LF from every pair of other LFs: lf[e] = e, and every LF
// in a component of its own. It panics if m < 0.
func AllPairs(m int) (lf, comp []int) {
	if m < 0 {
		panic(fmt.Sprintf("cpu: AllPairs: m = %d", m))
	}
	lf, comp = make([]int, m), make([]int, m*m)
	for e := range lf {
		lf[e] = e
		for f := 0; f < m; f++ {
			comp[e*m+f] = f
		}
	}
	return lf, comp
}
