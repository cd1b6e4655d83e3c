package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// labelFlags are predict's flags for hard labels.
type labelFlags struct {
	on           bool
	tie          tieFlags
	abstainLabel string
	drop         bool
}

// tieFlags choose the tie policy of hard labels (predict --labels, score).
type tieFlags struct {
	policy string
	seed   uint64
}

func (t *tieFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.policy, "tie-policy", string(labelmodel.TieAbstain), `hard label of a row whose most probable classes tie (within 1e-5): "abstain" (Snorkel's LabelModel.predict default), "random" (seeded by --seed) or "negative" (-1, or the lowest class id)`)
	fs.Uint64Var(&t.seed, "seed", 1, "random seed of --tie-policy random")
}

func (t tieFlags) labeler() (*labelmodel.Labeler, error) {
	l, err := labelmodel.NewLabeler(labelmodel.TiePolicy(t.policy), t.seed)
	if err != nil {
		return nil, fmt.Errorf("--tie-policy %q: want abstain, random or negative", t.policy)
	}
	return l, nil
}

func (lf *labelFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&lf.on, "labels", false, "write hard labels instead of probabilities: -1/+1 (0/1 with --abstain -1; 0..k-1 for k classes), the abstain value where classes tie")
	lf.tie.register(fs)
	fs.StringVar(&lf.abstainLabel, "abstain-label", "", "with --labels, the label written for rows on which every LF abstains (default: the model's label, the class balance's)")
	fs.BoolVar(&lf.drop, "drop-unlabeled", false, `with --labels, leave out rows on which every LF abstains and write each row's input index (from 0) in a first column "row" (Snorkel's filter_unlabeled_dataframe)`)
}

// hardLabels turns probabilities into the labels predict --labels writes.
type hardLabels struct {
	labeler *labelmodel.Labeler
	multi   bool    // k classes: probabilities of k classes per row
	per     int     // probabilities per row: k, or v for binary P(Y_t = +1)
	tasks   int     // binary: the number of tasks, one label each
	snorkel bool    // binary labels written as 0/1, abstain -1
	abstain float64 // the label of a tie
	// allAbstain: the label of a row on which every LF abstains (marked),
	// or drop to leave it out.
	marked     bool
	allAbstain float64
	drop       bool
	voteAbst   int8      // the vote meaning abstain in the votes
	out        []float64 // the rows labels returned last, reused
}

// newHardLabels checks predict's label flags. cols and names are the
// probability output's; it returns the label output's.
func (lf labelFlags) newHardLabels(model fitflags.Model, conv votesio.Convention, marginal bool) (*hardLabels, int, []string, error) {
	if !lf.on {
		set := false
		for _, f := range []bool{lf.tie.policy != string(labelmodel.TieAbstain), lf.abstainLabel != "", lf.drop} {
			set = set || f
		}
		if set {
			return nil, 0, nil, errors.New("--tie-policy, --abstain-label and --drop-unlabeled apply to --labels")
		}
		return nil, 0, nil, nil
	}
	if marginal {
		return nil, 0, nil, errors.New("give --labels or --marginal, not both")
	}
	if lf.drop && lf.abstainLabel != "" {
		return nil, 0, nil, errors.New("give --abstain-label or --drop-unlabeled, not both")
	}
	l, err := lf.tie.labeler()
	if err != nil {
		return nil, 0, nil, err
	}
	h := &hardLabels{labeler: l, multi: model.Multi != nil, snorkel: conv.Binary() && conv.Abstain != 0, drop: lf.drop}
	if h.multi || h.snorkel {
		h.abstain, h.voteAbst = -1, -1
	}
	if h.per = model.Classes(); !h.multi {
		h.voteAbst = 0
		h.tasks = model.Binary.Spec().Tasks()
		h.per = h.tasks
	}
	if lf.abstainLabel != "" {
		h.marked = true
		if h.allAbstain, err = strconv.ParseFloat(lf.abstainLabel, 64); err != nil {
			return nil, 0, nil, fmt.Errorf("--abstain-label %q is not a number", lf.abstainLabel)
		}
	}
	names := []string{"label"}
	if h.tasks > 1 {
		names = names[:0]
		for t := range h.tasks {
			names = append(names, fmt.Sprintf("label_Y_%d", t))
		}
	}
	if h.drop {
		names = append([]string{"row"}, names...)
	}
	return h, len(names), names, nil
}

// labels turns a chunk's probabilities p (n rows) into label rows; first
// is the index of the chunk's first row in the input. The rows are valid
// until the next call (their buffer is reused).
func (h *hardLabels) labels(p []float64, data []int8, n, first, m int) []float64 {
	per, width := h.per, max(h.tasks, 1)
	out := h.out[:0]
	defer func() { h.out = out[:0] }()
	for r := range n {
		none := true
		for _, v := range data[r*m : (r+1)*m] {
			none = none && v == h.voteAbst
		}
		if none && h.drop {
			continue
		}
		if h.drop {
			out = append(out, float64(first+r))
		}
		row := p[r*per : (r+1)*per]
		switch {
		case none && h.marked:
			for range width {
				out = append(out, h.allAbstain)
			}
		case h.multi:
			out = append(out, h.class(h.labeler.Label(row)))
		default:
			for _, q := range row {
				out = append(out, h.binary(h.labeler.BinaryLabel(q)))
			}
		}
	}
	return out
}

// class writes a class id, or the abstain value for -1.
func (h *hardLabels) class(c int) float64 {
	if c < 0 {
		return h.abstain
	}
	return float64(c)
}

// binary writes a -1/+1/0 label in the output convention.
func (h *hardLabels) binary(y int8) float64 {
	switch {
	case y == 0:
		return h.abstain
	case h.snorkel:
		return float64(y+1) / 2
	}
	return float64(y)
}
