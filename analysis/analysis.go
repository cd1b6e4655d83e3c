// Package analysis summarises labeling functions, as Snorkel's LF analysis
// does: per LF its coverage, overlap, conflict and polarity, and given gold
// labels its empirical accuracy beside the label model's estimate. A
// Summary accumulates rows chunk by chunk, so files larger than memory can
// be analysed.
package analysis

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// LF is the summary of one labeling function.
type LF struct {
	Index int `json:"lf"`
	// Name is the LF's name, when the graph or model names its LFs.
	Name string `json:"name,omitempty"`
	// Coverage is the fraction of rows the LF votes on.
	Coverage float64 `json:"coverage"`
	// Overlap is the fraction of rows where it votes and another LF votes.
	Overlap float64 `json:"overlap"`
	// Conflict is the fraction of rows where it votes and another LF votes
	// differently.
	Conflict float64 `json:"conflict"`
	// Polarity lists the values the LF ever votes, ascending.
	Polarity []int `json:"polarity"`
	// EmpiricalAccuracy is P(vote = gold | the LF votes) on the rows with a
	// gold label (nil without gold labels or votes on them).
	EmpiricalAccuracy *float64 `json:"empirical_accuracy,omitempty"`
	// GoldVotes is the number of its votes on rows with a gold label.
	GoldVotes int64 `json:"gold_votes,omitempty"`
	// EstimatedAccuracy is the label model's P(vote = Y | the LF votes),
	// when a model was given.
	EstimatedAccuracy *float64 `json:"estimated_accuracy,omitempty"`
	classVotes        bool     // Polarity holds class ids, not -1/+1
}

// Summary accumulates LF statistics over rows.
type Summary struct {
	m        int
	abstain  int8
	rows     int64
	votes    []int64
	overlap  []int64
	conflict []int64
	values   []map[int8]bool
	goldN    []int64
	goldOK   []int64
	hasGold  bool
	names    []string
}

// SetNames names the LFs in the summary (nil for none).
func (s *Summary) SetNames(names []string) {
	if len(names) == s.m {
		s.names = names
	}
}

// New returns an empty summary for m LFs whose abstain value is abstain
// (0 for FlyingSquid's -1/0/+1 votes, -1 for class votes).
func New(m int, abstain int8) *Summary {
	s := &Summary{m: m, abstain: abstain, votes: make([]int64, m), overlap: make([]int64, m), conflict: make([]int64, m),
		values: make([]map[int8]bool, m), goldN: make([]int64, m), goldOK: make([]int64, m)}
	for i := range s.values {
		s.values[i] = map[int8]bool{}
	}
	return s
}

// Add accumulates rows of votes (row-major, m per row). gold, when not nil,
// holds one gold label per row.
func (s *Summary) Add(votes []int8, gold []int8) error {
	if len(votes)%s.m != 0 {
		return fmt.Errorf("analysis: %d votes is not a multiple of m = %d", len(votes), s.m)
	}
	n := len(votes) / s.m
	if gold != nil {
		if len(gold) != n {
			return fmt.Errorf("analysis: %d gold labels for %d rows", len(gold), n)
		}
		s.hasGold = true
	}
	for r := 0; r < n; r++ {
		row := votes[r*s.m : (r+1)*s.m]
		voters := 0
		first, mixed := s.abstain, false
		for _, v := range row {
			if v == s.abstain {
				continue
			}
			voters++
			if first == s.abstain {
				first = v
			} else if v != first {
				mixed = true
			}
		}
		for i, v := range row {
			if v == s.abstain {
				continue
			}
			s.votes[i]++
			s.values[i][v] = true
			if voters > 1 {
				s.overlap[i]++
				if mixed { // someone voted otherwise than v, since not all agree
					s.conflict[i]++
				}
			}
			if gold != nil {
				s.goldN[i]++
				if gold[r] == v {
					s.goldOK[i]++
				}
			}
		}
	}
	s.rows += int64(n)
	return nil
}

// Rows returns the number of rows summarised.
func (s *Summary) Rows() int64 { return s.rows }

// LFs returns the per-LF summary; estimated, when not nil, gives the label
// model's accuracy estimate of each LF.
func (s *Summary) LFs(estimated []float64) []LF {
	out := make([]LF, s.m)
	frac := func(x int64) float64 {
		if s.rows == 0 {
			return 0
		}
		return float64(x) / float64(s.rows)
	}
	for i := range out {
		lf := LF{Index: i, Coverage: frac(s.votes[i]), Overlap: frac(s.overlap[i]), Conflict: frac(s.conflict[i]), Polarity: []int{}, classVotes: s.abstain != 0}
		if s.names != nil {
			lf.Name = s.names[i]
		}
		for v := range s.values[i] {
			lf.Polarity = append(lf.Polarity, int(v))
		}
		slices.Sort(lf.Polarity)
		if s.hasGold && s.goldN[i] > 0 {
			a := float64(s.goldOK[i]) / float64(s.goldN[i])
			lf.EmpiricalAccuracy, lf.GoldVotes = &a, s.goldN[i]
		}
		if estimated != nil {
			e := estimated[i]
			lf.EstimatedAccuracy = &e
		}
		out[i] = lf
	}
	return out
}

// WriteTable prints the summary as an aligned table.
func WriteTable(w io.Writer, lfs []LF) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	named := slices.ContainsFunc(lfs, func(lf LF) bool { return lf.Name != "" })
	fmt.Fprint(tw, "LF\t")
	if named {
		fmt.Fprint(tw, "name\t")
	}
	fmt.Fprintln(tw, "polarity\tcoverage\toverlap\tconflict\tempirical acc\tgold votes\testimated acc\t")
	opt := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%.3f", *p)
	}
	for _, lf := range lfs {
		pol := make([]string, len(lf.Polarity))
		for k, v := range lf.Polarity {
			pol[k] = fmt.Sprintf("%+d", v)
			if lf.classVotes {
				pol[k] = fmt.Sprint(v) // class ids
			}
		}
		gold := "-"
		if lf.EmpiricalAccuracy != nil {
			gold = fmt.Sprint(lf.GoldVotes)
		}
		fmt.Fprintf(tw, "%d\t", lf.Index)
		if named {
			fmt.Fprintf(tw, "%s\t", lf.Name)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t\n", "["+strings.Join(pol, ",")+"]",
			lf.Coverage, lf.Overlap, lf.Conflict, opt(lf.EmpiricalAccuracy), gold, opt(lf.EstimatedAccuracy))
	}
	return tw.Flush()
}

// WriteJSON prints the summary as JSON.
func WriteJSON(w io.Writer, rows int64, lfs []LF) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Rows int64 `json:"rows"`
		LFs  []LF  `json:"lfs"`
	}{rows, lfs})
}
