package cpu

import (
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
func TripletCandidates(dst []float64, me []float64, cands []int, comp []int, pairs []float64, m int) ([]float64, int) {
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

// TripletAggregate estimates |E[λ_e Y]| for single-LF expectations, the
// common case of a graph without LF dependencies: expectation e is LF
// lf[e], and comp[e*m:(e+1)*m] holds the component of every LF once e's
// task node is removed. Candidates are the LFs f != lf[e] in another
// component than lf[e]; every candidate pair in different components gives
// a triplet value. value[e] is their mean (or median), count[e] their
// number and zeros[e] the zero denominators among them; an expectation
// without any triplet gets count 0.
func TripletAggregate(pairs []float64, m int, lf, comp []int, median bool, value []float64, count, zeros []int) {
	var vals []float64
	var cands []int
	var me []float64
	for e, l := range lf {
		c := comp[e*m : (e+1)*m]
		cands, me = cands[:0], me[:0]
		for f := 0; f < m; f++ {
			if f != l && c[f] != c[l] {
				cands = append(cands, f)
				me = append(me, pairs[l*m+f])
			}
		}
		vals, zeros[e] = TripletCandidates(vals[:0], me, cands, c, pairs, m)
		count[e] = len(vals)
		switch {
		case len(vals) == 0:
			value[e] = 0
		case median:
			value[e] = Median(vals)
		default:
			value[e] = PairwiseSum(vals) / float64(len(vals))
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
// even count), reordering x.
func Median(x []float64) float64 {
	slices.Sort(x)
	h := len(x) / 2
	if len(x)%2 == 1 {
		return x[h]
	}
	return (x[h-1] + x[h]) / 2
}

// AllPairs returns the arguments of TripletAggregate that estimate every LF
// from every pair of other LFs: lf[e] = e, and every LF in a component of
// its own.
func AllPairs(m int) (lf, comp []int) {
	lf, comp = make([]int, m), make([]int, m*m)
	for e := range lf {
		lf[e] = e
		for f := 0; f < m; f++ {
			comp[e*m+f] = f
		}
	}
	return lf, comp
}
