package labelmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TiePolicy says which hard label a row gets when two or more classes tie
// for the highest probability (or, for majority vote, the most votes),
// like the tie_break_policy of Snorkel's LabelModel.predict.
type TiePolicy string

// The tie policies. TieAbstain is the default of Snorkel's
// LabelModel.predict and of squid's predict --labels: a tied row gets no
// label rather than a coin flip presented as a prediction.
const (
	// TieAbstain labels a tied row as abstain.
	TieAbstain TiePolicy = "abstain"
	// TieRandom picks one of the tied classes at random; the choices are
	// a function of the seed and the order of the tied rows only, so the
	// same input and seed give the same labels.
	TieRandom TiePolicy = "random"
	// TieNegative picks the first tied class: -1 for a binary task, the
	// lowest class id for k classes (what Model.Predict and FlyingSquid's
	// majority-vote baseline do).
	TieNegative TiePolicy = "negative"
)

// TieTolerance is how close two probabilities must be to tie: Snorkel's
// probs_to_preds tolerance.
const TieTolerance = 1e-5

// Labeler turns per-class scores (probabilities or vote counts) into
// hard labels under a TiePolicy. A Labeler with TieRandom holds a random
// source and must not be shared between goroutines.
type Labeler struct {
	policy TiePolicy
	rng    *rand.Rand
	tied   []int
}

// NewLabeler returns a Labeler for policy; seed seeds TieRandom and is
// ignored otherwise. An empty policy is TieAbstain.
func NewLabeler(policy TiePolicy, seed uint64) (*Labeler, error) {
	switch policy {
	case "":
		policy = TieAbstain
	case TieAbstain, TieNegative:
	case TieRandom:
		return &Labeler{policy: policy, rng: rand.New(rand.NewPCG(seed, 0x5eed))}, nil
	default:
		return nil, fmt.Errorf("labelmodel: tie policy %q: want %q, %q or %q", policy, TieAbstain, TieRandom, TieNegative)
	}
	return &Labeler{policy: policy}, nil
}

// Policy returns the labeler's tie policy.
func (l *Labeler) Policy() TiePolicy { return l.policy }

// Label returns the index of the highest score, or -1 when several scores
// are within TieTolerance of it and the policy is TieAbstain. NaN scores
// never win; a row of NaN scores is a tie of all classes.
func (l *Labeler) Label(scores []float64) int {
	best := -1
	for c, s := range scores {
		if !math.IsNaN(s) && (best < 0 || s > scores[best]) {
			best = c
		}
	}
	l.tied = l.tied[:0]
	for c, s := range scores {
		if best < 0 || s > scores[best]-TieTolerance {
			l.tied = append(l.tied, c)
		}
	}
	switch {
	case len(l.tied) == 0:
		return -1
	case len(l.tied) == 1:
		return l.tied[0]
	case l.policy == TieNegative:
		return l.tied[0]
	case l.policy == TieRandom:
		return l.tied[l.rng.IntN(len(l.tied))]
	}
	return -1
}

// BinaryLabel returns the hard label of one binary task from P(Y = +1):
// +1 or -1, or 0 (abstain) on a tie under TieAbstain.
func (l *Labeler) BinaryLabel(pPositive float64) int8 {
	scores := [2]float64{1 - pPositive, pPositive}
	return binaryLabel(l.Label(scores[:]))
}

// binaryLabel maps a class index (0 for Y = -1, 1 for Y = +1, -1 for
// abstain) to a FlyingSquid label -1, +1 or 0.
func binaryLabel(c int) int8 {
	switch c {
	case 0:
		return -1
	case 1:
		return 1
	}
	return 0
}

// PredictLabels returns the hard label of every row and task (n x v,
// row-major): +1 or -1 by each task's marginal P(Y_t = +1 | votes), or 0
// where the two are tied under TieAbstain (a row on which every LF
// abstains ties when the class balance is uniform). For one task this is
// Snorkel's LabelModel.predict with tie_break_policy l.Policy().
func (m *Model) PredictLabels(v Votes, l *Labeler) ([]int8, error) {
	if err := m.checkVotes(v); err != nil {
		return nil, err
	}
	out := make([]int8, v.N*m.g.v)
	if v.N == 0 {
		return out, nil
	}
	p := make([]float64, v.N*m.g.v)
	if err := m.PredictProbaMarginalInto(p, make([]float64, v.N*m.Classes()), v); err != nil {
		return nil, err
	}
	for k, q := range p {
		out[k] = l.BinaryLabel(q)
	}
	return out, nil
}
