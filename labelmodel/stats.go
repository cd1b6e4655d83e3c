package labelmodel

import (
	"bytes"
	"encoding/binary"
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
		return fmt.Errorf("labelmodel: votes have %d columns, the statistics are for %d LFs", v.M, s.m)
	}
	if err := v.Validate(true); err != nil {
		return err
	}
	s.addValid(v)
	return nil
}

// addValid counts validated votes.
func (s *Stats) addValid(v Votes) {
	backend().Count(s.counts, v.Data, v.M)
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
	cpu.AddRow(s.counts, row, sign)
	for t := range s.tables {
		s.tables[t].addRows(row, s.m, sign)
	}
	s.n += sign
	return nil
}

func (t *jointTable) addRows(votes []int8, m int, sign int64) {
	for r := 0; r+m <= len(votes); r += m {
		idx := 0
		for _, l := range t.lfs {
			idx = idx*3 + int(votes[r+l]) + 1
		}
		t.counts[idx] += sign
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

// statsMagic starts the binary encoding; the byte after it is the version.
const statsMagic, statsVersion = "SQST", 1

// MarshalBinary encodes the statistics compactly (little-endian varints).
func (s *Stats) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(statsMagic)
	b.WriteByte(statsVersion)
	put := func(x int64) { b.Write(binary.AppendVarint(nil, x)) }
	put(int64(s.m))
	put(s.n)
	for i := 0; i < s.m; i++ {
		put(s.counts.Pos[i])
		put(s.counts.Neg[i])
	}
	for _, p := range s.counts.Pairs {
		put(p.PP)
		put(p.PN)
		put(p.NP)
		put(p.NN)
	}
	put(int64(len(s.tables)))
	for _, t := range s.tables {
		put(int64(len(t.lfs)))
		for _, l := range t.lfs {
			put(int64(l))
		}
		for _, c := range t.counts {
			put(c)
		}
	}
	return b.Bytes(), nil
}

// UnmarshalBinary decodes statistics written by MarshalBinary; a truncated,
// corrupted or future-version encoding is an error.
func (s *Stats) UnmarshalBinary(data []byte) error {
	if len(data) < 5 || string(data[:4]) != statsMagic {
		return errors.New("labelmodel: not squid statistics (bad magic)")
	}
	if data[4] != statsVersion {
		return fmt.Errorf("labelmodel: statistics encoding version %d is not supported (this build reads version %d)", data[4], statsVersion)
	}
	r := bytes.NewReader(data[5:])
	var err error
	get := func(lo, hi int64) int64 {
		if err != nil {
			return 0
		}
		x, e := binary.ReadVarint(r)
		if e != nil {
			err = errors.New("labelmodel: statistics encoding is truncated")
			return 0
		}
		if x < lo || x > hi {
			err = fmt.Errorf("labelmodel: statistics encoding is corrupted (value %d out of range [%d, %d])", x, lo, hi)
		}
		return x
	}
	const big = 1 << 62
	m := int(get(1, 1<<16))
	n := get(0, big)
	if err != nil {
		return err
	}
	out := NewStats(m)
	out.n = n
	for i := 0; i < m; i++ {
		out.counts.Pos[i] = get(0, n)
		out.counts.Neg[i] = get(0, n)
	}
	for k := range out.counts.Pairs {
		p := &out.counts.Pairs[k]
		p.PP, p.PN, p.NP, p.NN = get(0, n), get(0, n), get(0, n), get(0, n)
	}
	nt := int(get(0, 1<<20))
	for t := 0; t < nt && err == nil; t++ {
		k := int(get(3, 12))
		lfs := make([]int, k)
		for l := range lfs {
			lfs[l] = int(get(0, int64(m-1)))
		}
		counts := make([]int64, pow3(k))
		for c := range counts {
			counts[c] = get(0, n)
		}
		out.tables = append(out.tables, jointTable{lfs: lfs, counts: counts})
	}
	if err != nil {
		return err
	}
	if r.Len() != 0 {
		return errors.New("labelmodel: statistics encoding has trailing bytes")
	}
	*s = *out
	return nil
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
		i, j := lfs[0], lfs[1]
		p := s.counts.Pairs[cpu.PairIndex(i, j, s.m)]
		// index = (vi+1)*3 + (vj+1)
		out[0], out[2], out[6], out[8] = p.NN, p.NP, p.PN, p.PP
		out[1] = s.counts.Neg[i] - p.NN - p.NP
		out[7] = s.counts.Pos[i] - p.PN - p.PP
		out[3] = s.counts.Neg[j] - p.NN - p.PN
		out[5] = s.counts.Pos[j] - p.NP - p.PP
		out[4] = s.n - out[0] - out[1] - out[2] - out[3] - out[5] - out[6] - out[7] - out[8]
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
