package labelmodel

import (
	"errors"
	"fmt"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

// Stats are the sufficient statistics of a vote matrix for a label model:
// the number of rows, per-LF vote counts, pairwise joint vote counts and,
// when the graph has LF dependencies, full joint count tables over the few
// small LF sets the fit needs. Stats add up over rows: build them from
// chunks, merge them across goroutines or machines, add and remove single
// rows (a sliding window), then fit from them. They never hold the rows.
type Stats struct {
	m      int
	n      int64
	counts cpu.Counts
	tables []jointTable
}

// jointTable counts rows by the joint votes of a set of LFs: counts[idx]
// with idx = sum over l of (vote(lfs[l])+1) * 3^(len(lfs)-1-l).
type jointTable struct {
	lfs    []int
	counts []int64
}

// NewStats returns empty statistics for m LFs that also keep joint tables
// over each of the given LF sets (sets of fewer than three LFs are covered
// by the pair counts and ignored). Model.NewStats picks the sets a model
// needs.
func NewStats(m int, tableSets ...[]int) *Stats {
	s := &Stats{m: m, counts: cpu.NewCounts(m)}
	seen := map[string]bool{}
	for _, set := range tableSets {
		lfs := slices.Clone(set)
		slices.Sort(lfs)
		lfs = slices.Compact(lfs)
		key := fmt.Sprint(lfs)
		if len(lfs) < 3 || seen[key] {
			continue
		}
		seen[key] = true
		s.tables = append(s.tables, jointTable{lfs: lfs, counts: make([]int64, pow3(len(lfs)))})
	}
	return s
}

func pow3(k int) int {
	p := 1
	for ; k > 0; k-- {
		p *= 3
	}
	return p
}

// M returns the number of labeling functions.
func (s *Stats) M() int { return s.m }

// N returns the number of rows counted.
func (s *Stats) N() int64 { return s.n }

// Add counts every row of votes (validated first; nothing is counted when a
// value is bad).
func (s *Stats) Add(v Votes) error {
	if v.M != s.m {
		return shapeError("votes", v.M, s.m, "votes have %d columns, the statistics are for %d LFs", v.M, s.m)
	}
	if err := v.Validate(true); err != nil {
		return err
	}
	s.addValid(v)
	return nil
}

// addValid counts validated votes.
func (s *Stats) addValid(v Votes) {
	if len(v.Data) > 0 { // the kernels take whole rows of at least one LF
		backend().Count(s.counts, v.Data, v.M)
	}
	for t := range s.tables {
		s.tables[t].addRows(v.Data, v.M, 1)
	}
	s.n += int64(v.N)
}

// AddRow counts one row of m votes.
func (s *Stats) AddRow(row []int8) error { return s.updateRow(row, 1) }

// RemoveRow uncounts one row that was counted before (a sliding window
// evicting its oldest row). Removing a row that was never added leaves
// meaningless statistics; removing more rows than were added is an error.
func (s *Stats) RemoveRow(row []int8) error {
	if s.n == 0 {
		return errors.New("labelmodel: RemoveRow on empty statistics")
	}
	return s.updateRow(row, -1)
}

func (s *Stats) updateRow(row []int8, sign int64) error {
	if err := (Votes{N: 1, M: s.m, Data: row}).Validate(true); err != nil {
		return err
	}
	if sign < 0 && !s.holdsRow(row) {
		return errors.New("labelmodel: RemoveRow of a row that was never added (a count would become negative)")
	}
	cpu.AddRow(s.counts, row, sign)
	for t := range s.tables {
		s.tables[t].addRows(row, s.m, sign)
	}
	s.n += sign
	return nil
}

// holdsRow reports whether every count row adds to is positive, so that
// removing it leaves no negative count.
func (s *Stats) holdsRow(row []int8) bool {
	for i, vi := range row {
		if (vi == 1 && s.counts.Pos[i] == 0) || (vi == -1 && s.counts.Neg[i] == 0) {
			return false
		}
		for j := i + 1; j < len(row) && vi != 0; j++ {
			p, vj := s.counts.Pairs[cpu.PairIndex(i, j, s.m)], row[j]
			if (vi > 0 && vj > 0 && p.PP == 0) || (vi > 0 && vj < 0 && p.PN == 0) ||
				(vi < 0 && vj > 0 && p.NP == 0) || (vi < 0 && vj < 0 && p.NN == 0) {
				return false
			}
		}
	}
	for _, t := range s.tables {
		if t.counts[t.index(row, 0)] == 0 {
			return false
		}
	}
	return true
}

// index returns the cell of the row of votes starting at votes[r].
func (t *jointTable) index(votes []int8, r int) int { return cpu.CliqueIndex(votes[r:], t.lfs) }

func (t *jointTable) addRows(votes []int8, m int, sign int64) {
	for r := 0; r+m <= len(votes); r += m {
		t.counts[t.index(votes, r)] += sign
	}
}

// Merge adds the counts of o to s. Both must have the same LFs and tables.
func (s *Stats) Merge(o *Stats) error {
	if err := s.compatible(o); err != nil {
		return err
	}
	s.n += o.n
	s.counts.Add(o.counts)
	for t := range s.tables {
		for k, c := range o.tables[t].counts {
			s.tables[t].counts[k] += c
		}
	}
	return nil
}

func (s *Stats) compatible(o *Stats) error {
	if s.m != o.m || len(s.tables) != len(o.tables) {
		return fmt.Errorf("labelmodel: cannot merge statistics for %d LFs with %d tables into statistics for %d LFs with %d tables", o.m, len(o.tables), s.m, len(s.tables))
	}
	for t := range s.tables {
		if !slices.Equal(s.tables[t].lfs, o.tables[t].lfs) {
			return fmt.Errorf("labelmodel: cannot merge statistics: joint table %d covers LFs %v, not %v", t, o.tables[t].lfs, s.tables[t].lfs)
		}
	}
	return nil
}

// Clone returns a deep copy of s.
func (s *Stats) Clone() *Stats {
	c := &Stats{m: s.m, n: s.n, counts: cpu.Counts{
		Pos: slices.Clone(s.counts.Pos), Neg: slices.Clone(s.counts.Neg), Pairs: slices.Clone(s.counts.Pairs)}}
	for _, t := range s.tables {
		c.tables = append(c.tables, jointTable{lfs: slices.Clone(t.lfs), counts: slices.Clone(t.counts)})
	}
	return c
}

// Equal reports whether s and o hold the same counts.
func (s *Stats) Equal(o *Stats) bool {
	if s.compatible(o) != nil || s.n != o.n || !slices.Equal(s.counts.Pos, o.counts.Pos) ||
		!slices.Equal(s.counts.Neg, o.counts.Neg) || !slices.Equal(s.counts.Pairs, o.counts.Pairs) {
		return false
	}
	for t := range s.tables {
		if !slices.Equal(s.tables[t].counts, o.tables[t].counts) {
			return false
		}
	}
	return true
}

// joint returns the counts of rows by the joint votes of lfs (sorted,
// distinct), indexed like a jointTable. Single LFs and pairs come from the
// vote and pair counts; larger sets are marginalised from a joint table
// that covers them.
func (s *Stats) joint(lfs []int) ([]int64, error) {
	out := make([]int64, pow3(len(lfs)))
	switch len(lfs) {
	case 0:
		out[0] = s.n
	case 1:
		i := lfs[0]
		out[0], out[2] = s.counts.Neg[i], s.counts.Pos[i]
		out[1] = s.n - out[0] - out[2]
	case 2:
		s.pairCells(lfs[0], lfs[1], out)
	default:
		for _, t := range s.tables {
			pos := make([]int, len(lfs))
			ok := true
			for k, l := range lfs {
				pos[k] = slices.Index(t.lfs, l)
				ok = ok && pos[k] >= 0
			}
			if !ok {
				continue
			}
			for idx, c := range t.counts {
				digits := base3(idx, len(t.lfs))
				o := 0
				for _, p := range pos {
					o = o*3 + digits[p]
				}
				out[o] += c
			}
			return out, nil
		}
		return nil, fmt.Errorf("labelmodel: statistics hold no joint table over LFs %v (build them with Model.NewStats)", lfs)
	}
	return out, nil
}

// base3 returns the k base-3 digits of idx, most significant first.
func base3(idx, k int) []int {
	d := make([]int, k)
	for l := k - 1; l >= 0; l-- {
		d[l] = idx % 3
		idx /= 3
	}
	return d
}

// query sums joint counts over the patterns of lfs accepted by keep, which
// gets the votes (-1, 0, +1) in the order of lfs.
func (s *Stats) query(lfs []int, keep func(votes []int) bool) (int64, error) {
	return s.weighted(lfs, func(v []int) int64 {
		if keep(v) {
			return 1
		}
		return 0
	})
}

// weighted sums joint counts over the patterns of lfs, each times w(votes).
func (s *Stats) weighted(lfs []int, w func(votes []int) int64) (int64, error) {
	j, err := s.joint(lfs)
	if err != nil {
		return 0, err
	}
	var sum int64
	votes := make([]int, len(lfs))
	for idx, c := range j {
		if c == 0 {
			continue
		}
		for l, d := range base3(idx, len(lfs)) {
			votes[l] = d - 1
		}
		sum += c * w(votes)
	}
	return sum, nil
}

// moment returns E[prod of λ over lfs], an abstention counting as 0, from
// one pass over the joint counts.
func (s *Stats) moment(lfs []int) (float64, error) {
	sum, err := s.weighted(lfs, func(v []int) int64 { return int64(product(v)) })
	if err != nil {
		return 0, err
	}
	return float64(sum) / float64(s.n), nil
}

func product(v []int) int {
	p := 1
	for _, x := range v {
		p *= x
	}
	return p
}

// PairJoint returns the counts of rows by the joint votes of LFs i and j
// (i != j): c[vi+1][vj+1] for votes in {-1, 0, +1}.
func (s *Stats) PairJoint(i, j int) ([3][3]int64, error) {
	var c [3][3]int64
	if i == j || i < 0 || j < 0 || i >= s.m || j >= s.m {
		return c, fmt.Errorf("labelmodel: PairJoint(%d, %d) for %d LFs", i, j, s.m)
	}
	a, b := min(i, j), max(i, j)
	t, _ := s.joint([]int{a, b})
	for idx, n := range t {
		va, vb := idx/3, idx%3
		if a == i {
			c[va][vb] = n
		} else {
			c[vb][va] = n
		}
	}
	return c, nil
}

// VoteCounts returns LF i's numbers of -1, 0 and +1 votes.
func (s *Stats) VoteCounts(i int) [3]int64 {
	return [3]int64{s.counts.Neg[i], s.n - s.counts.Pos[i] - s.counts.Neg[i], s.counts.Pos[i]}
}
