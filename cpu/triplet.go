package cpu

import "math"

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
