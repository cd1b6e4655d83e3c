package labelmodel

import (
	"fmt"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

// moments computes and caches E[prod λ] over LF sets from statistics.
type moments struct {
	s     *Stats
	pairs []float64 // m x m, E[λi λj]
	cache map[string]float64
}

func newMoments(s *Stats) *moments {
	m := s.m
	mo := &moments{s: s, pairs: make([]float64, m*m), cache: map[string]float64{}}
	n := float64(s.n)
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			p := s.counts.Pairs[i*m-i*(i+1)/2+(j-i-1)]
			v := float64(p.PP+p.NN-p.PN-p.NP) / n
			mo.pairs[i*m+j], mo.pairs[j*m+i] = v, v
		}
	}
	return mo
}

// of returns E[prod over the union of a and b of λ]; a and b are disjoint.
func (mo *moments) of(a, b []int) (float64, error) {
	if len(a) == 1 && len(b) == 1 {
		return mo.pairs[a[0]*mo.s.m+b[0]], nil
	}
	set := append(slices.Clone(a), b...)
	slices.Sort(set)
	key := fmt.Sprint(set)
	if v, ok := mo.cache[key]; ok {
		return v, nil
	}
	v, err := mo.s.moment(set)
	if err != nil {
		return 0, err
	}
	mo.cache[key] = v
	return v, nil
}

// estimate is the result of the triplet step.
type estimate struct {
	value    map[string]float64 // expectation key -> |E|
	zeroDen  map[string]int     // expectation key -> triplets with a zero denominator
	triplets map[string]int     // expectation key -> triplets used
	members  []expectation      // every expectation given a value, needed or not
}

func newEstimate() *estimate {
	return &estimate{value: map[string]float64{}, zeroDen: map[string]int{}, triplets: map[string]int{}}
}

// aggregate estimates every expectation by the mean or the median of its
// values over all valid triplets: pairs (f, s) of LFs outside the
// expectation and its condition, the three separated from each other by the
// task. With allPairs (FlyingSquid's shortcut for graphs without LF
// dependencies) every pair of other LFs counts, separated or not.
func (m *Model) aggregate(mo *moments, median, allPairs bool) (*estimate, error) {
	if est, ok := m.aggregateSingles(mo, median, allPairs); ok {
		return est, nil
	}
	est := newEstimate()
	M := m.spec.M
	vals := make([]float64, 0, M*M/2)
	for _, e := range m.expectations {
		vals = vals[:0]
		zeros := 0
		var cands []int
		for f := 0; f < M; f++ {
			if slices.Contains(e.lfs, f) || slices.Contains(e.cond, f) {
				continue
			}
			if allPairs || m.sep.separated(e.lfs, []int{f}, e.t) {
				cands = append(cands, f)
			}
		}
		// M(e ∪ f) for every candidate, then the pairs: no allocation in
		// the O(m^2) loop.
		mef := make([]float64, len(cands))
		for x, f := range cands {
			v, err := mo.of(e.lfs, []int{f})
			if err != nil {
				return nil, err
			}
			mef[x] = v
		}
		comp := m.sep.comp[e.t]
		if allPairs {
			comp = nil
		}
		vals, zeros = cpu.TripletCandidates(vals, mef, cands, comp, mo.pairs, M)
		k := e.key()
		if len(vals) == 0 {
			return nil, fmt.Errorf("labelmodel: no separated triplet to estimate %s", m.g.pyString(e, m.noAbs))
		}
		if median {
			est.value[k] = cpu.Median(vals)
		} else {
			est.value[k] = cpu.PairwiseSum(vals) / float64(len(vals))
		}
		est.zeroDen[k] = zeros
		est.triplets[k] = len(vals)
		est.members = append(est.members, e)
	}
	return est, nil
}

// single estimates each expectation from one triplet, chosen greedily as
// FlyingSquid's 'triplet' method does, in the order its random.shuffle
// (seeded 0) gives, so the choice and the values match the reference.
func (m *Model) single(mo *moments) (*estimate, error) {
	rng := *m.rng // every fit starts from the state after the node shuffle
	list := slices.Clone(m.expectations)
	rng.shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })

	used := map[string]bool{}
	in := func(x expectation, tr []expectation) bool {
		for _, y := range tr {
			if x.equal(y) {
				return true
			}
		}
		return false
	}
	sepAll := func(tr []expectation, lfs []int, t int) bool {
		for _, y := range tr {
			if !m.sep.separated(y.lfs, lfs, t) {
				return false
			}
		}
		return true
	}
	anyPair := func(tr []expectation) bool {
		for _, y := range tr {
			if len(y.lfs) > 1 {
				return true
			}
		}
		return false
	}
	var triplets [][3]expectation
	for _, e := range list {
		if used[e.key()] {
			continue
		}
		t := e.t
		// tr mirrors the reference's working triplet, whose leftovers from
		// one search step decide what the next step skips.
		tr := []expectation{e}
		found := false
		// First pair e with other expectations still to estimate.
		for _, f := range list {
			if in(f, tr) || f.t != t || !slices.Equal(f.cond, e.cond) ||
				(len(f.lfs) > 1 && len(e.lfs) > 1) || used[f.key()] || !m.sep.separated(e.lfs, f.lfs, t) {
				continue
			}
			tr = []expectation{e, f}
			for _, s := range list {
				if in(s, tr) || s.t != t || !slices.Equal(s.cond, e.cond) ||
					(len(s.lfs) > 1 && anyPair(tr)) || used[s.key()] || !sepAll(tr, s.lfs, t) {
					continue
				}
				tr, found = []expectation{e, f, s}, true
				break
			}
			if found {
				break
			}
			for _, node := range m.order {
				if m.g.isY(node) {
					continue
				}
				s := expectation{lfs: []int{node}, t: t, cond: e.cond}
				if in(s, tr) || !sepAll(tr, s.lfs, t) {
					continue
				}
				tr, found = []expectation{e, f, s}, true
				break
			}
			if found {
				break
			}
		}
		// Otherwise any two LFs will do.
		if !found {
		outer:
			for _, a := range m.order {
				if m.g.isY(a) {
					continue
				}
				f := expectation{lfs: []int{a}, t: t, cond: e.cond}
				if in(f, tr) || slices.Contains(e.cond, a) || !m.sep.separated(e.lfs, f.lfs, t) {
					continue
				}
				tr = []expectation{e, f}
				for _, b := range m.order {
					if m.g.isY(b) {
						continue
					}
					s := expectation{lfs: []int{b}, t: t, cond: e.cond}
					if in(s, tr) || slices.Contains(e.cond, b) || !sepAll(tr, s.lfs, t) {
						continue
					}
					tr, found = []expectation{e, f, s}, true
					break outer
				}
			}
		}
		if found {
			triplets = append(triplets, [3]expectation(tr))
			for _, x := range tr {
				used[x.key()] = true
			}
		}
	}
	return m.solveTriplets(mo, triplets)
}

// solveTriplets gives each member of each triplet its value; a member of
// several triplets keeps the last.
func (m *Model) solveTriplets(mo *moments, triplets [][3]expectation) (*estimate, error) {
	est := newEstimate()
	for _, tr := range triplets {
		var mm [3]float64 // M(0,1), M(0,2), M(1,2)
		for k, p := range [3][2]int{{0, 1}, {0, 2}, {1, 2}} {
			v, err := mo.of(tr[p[0]].lfs, tr[p[1]].lfs)
			if err != nil {
				return nil, err
			}
			mm[k] = v
		}
		set := func(e expectation, a, b, c float64) {
			v, z := cpu.TripletValue(a, b, c)
			k := e.key()
			if _, seen := est.value[k]; !seen {
				est.members = append(est.members, e)
			}
			est.value[k] = v
			est.triplets[k] = 1
			est.zeroDen[k] = 0
			if z {
				est.zeroDen[k] = 1
			}
		}
		set(tr[0], mm[0], mm[1], mm[2])
		set(tr[1], mm[0], mm[2], mm[1])
		set(tr[2], mm[1], mm[2], mm[0])
	}
	for _, e := range m.expectations {
		if _, ok := est.value[e.key()]; !ok {
			return nil, fmt.Errorf("labelmodel: the triplet method found no triplet for %s; try triplet_mean", m.g.pyString(e, m.noAbs))
		}
	}
	return est, nil
}

// aggregateSingles runs the triplet step through the backend when every
// expectation is a single LF without condition (graphs without LF
// dependencies); it reports false otherwise.
func (m *Model) aggregateSingles(mo *moments, median, allPairs bool) (*estimate, bool) {
	M := m.spec.M
	lf := make([]int, len(m.expectations))
	comp := make([]int, len(m.expectations)*M)
	for e, x := range m.expectations {
		if len(x.lfs) != 1 || len(x.cond) > 0 {
			return nil, false
		}
		lf[e] = x.lfs[0]
		if allPairs {
			for f := 0; f < M; f++ {
				comp[e*M+f] = f
			}
		} else {
			copy(comp[e*M:(e+1)*M], m.sep.comp[x.t][:M])
		}
	}
	res := cpu.NewTripletResult(len(lf))
	backend().TripletAggregate(res, cpu.TripletRequest{Pairs: mo.pairs, M: M, LF: lf, Comp: comp, Median: median})
	value, count, zeros := res.Value, res.Count, res.Zeros
	est := newEstimate()
	for e, x := range m.expectations {
		k := x.key()
		if count[e] == 0 {
			return nil, false // let the general path report the error
		}
		est.value[k], est.triplets[k], est.zeroDen[k] = value[e], count[e], zeros[e]
		est.members = append(est.members, x)
	}
	return est, true
}
