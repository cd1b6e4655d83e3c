package labelmodel

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/squid-ws/squid/cpu"
)

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

// UnmarshalBinary decodes statistics written by MarshalBinary. Every size
// is checked against the bytes present before anything is allocated (each
// count takes at least one byte), and the decoded counts must be those of
// some set of rows: no count above the number of rows, pair counts that
// add up to the vote counts, joint tables that add up to the pair counts.
// A truncated, corrupted or future-version encoding is an error wrapping
// ErrCorruptStats, and s is left unchanged.
func (s *Stats) UnmarshalBinary(data []byte) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("labelmodel: %w: "+format, append([]any{ErrCorruptStats}, a...)...)
	}
	if len(data) < 5 || string(data[:4]) != statsMagic {
		return bad("not squid statistics (bad magic)")
	}
	if data[4] != statsVersion {
		return bad("encoding version %d is not supported (this build reads version %d)", data[4], statsVersion)
	}
	r := bytes.NewReader(data[5:])
	var err error
	get := func(lo, hi int64) int64 {
		if err != nil {
			return 0
		}
		x, e := binary.ReadVarint(r)
		if e != nil {
			err = bad("the encoding is truncated")
			return 0
		}
		if x < lo || x > hi {
			err = bad("value %d out of range [%d, %d]", x, lo, hi)
			return lo // never a size out of range, even before err is seen
		}
		return x
	}
	const big = 1 << 62
	m := int(get(1, MaxLFs))
	n := get(0, big)
	if err != nil {
		return err
	}
	if need := 2*m + 4*cpu.NumPairs(m) + 1; r.Len() < need {
		return bad("%d LFs need at least %d more bytes, the encoding has %d", m, need, r.Len())
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
	nt := int(get(0, int64(r.Len())))
	for t := 0; t < nt && err == nil; t++ {
		k := int(get(3, MaxCliqueLFs+1))
		lfs := make([]int, k)
		for l := range lfs {
			lfs[l] = int(get(0, int64(m-1)))
		}
		if err == nil && r.Len() < pow3(k) {
			err = bad("a joint table over %d LFs needs at least %d more bytes, the encoding has %d", k, pow3(k), r.Len())
		}
		if err != nil {
			break
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
		return bad("%d trailing bytes", r.Len())
	}
	if err := out.consistent(); err != nil {
		return bad("%v", err)
	}
	*s = *out
	return nil
}

// consistent checks that the counts could come from n rows of votes.
func (s *Stats) consistent() error {
	for i := 0; i < s.m; i++ {
		if s.counts.Pos[i]+s.counts.Neg[i] > s.n {
			return fmt.Errorf("LF %d has %d + %d votes in %d rows", i, s.counts.Pos[i], s.counts.Neg[i], s.n)
		}
	}
	for i := 0; i < s.m; i++ {
		for j := i + 1; j < s.m; j++ {
			var cells [9]int64
			s.pairCells(i, j, cells[:])
			for _, c := range cells {
				if c < 0 {
					return fmt.Errorf("the pair counts of LFs %d and %d disagree with their vote counts", i, j)
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, t := range s.tables {
		if !slices.IsSorted(t.lfs) || len(slices.Compact(slices.Clone(t.lfs))) != len(t.lfs) || seen[fmt.Sprint(t.lfs)] {
			return fmt.Errorf("joint table over LFs %v is not a new set of distinct sorted LFs", t.lfs)
		}
		seen[fmt.Sprint(t.lfs)] = true
		for a := range t.lfs {
			for b := a + 1; b < len(t.lfs); b++ {
				var want, got [9]int64
				s.pairCells(t.lfs[a], t.lfs[b], want[:])
				for idx, c := range t.counts {
					d := base3(idx, len(t.lfs))
					got[d[a]*3+d[b]] += c
				}
				if got != want {
					return fmt.Errorf("joint table over LFs %v disagrees with the pair counts of LFs %d and %d", t.lfs, t.lfs[a], t.lfs[b])
				}
			}
		}
	}
	return nil
}

// pairCells writes the joint counts of LFs i < j (index (vi+1)*3 + vj+1)
// into out, derived from the pair and vote counts.
func (s *Stats) pairCells(i, j int, out []int64) {
	p := s.counts.Pairs[cpu.PairIndex(i, j, s.m)]
	out[0], out[2], out[6], out[8] = p.NN, p.NP, p.PN, p.PP
	out[1] = s.counts.Neg[i] - p.NN - p.NP
	out[7] = s.counts.Pos[i] - p.PN - p.PP
	out[3] = s.counts.Neg[j] - p.NN - p.PN
	out[5] = s.counts.Pos[j] - p.NP - p.PP
	out[4] = s.n - out[0] - out[1] - out[2] - out[3] - out[5] - out[6] - out[7] - out[8]
}
