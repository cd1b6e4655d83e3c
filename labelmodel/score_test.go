package labelmodel

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/squid-ws/squid/synth"
)

// Score against values worked out by hand (see the comments).
func TestScoreHandComputed(t *testing.T) {
	// Binary: rows 0, 2, 3, 4, 5 labelled (row 1 abstains): coverage 5/6;
	// correct 0, 2, 5: accuracy 3/5; class +1: TP row 0, FP row 3, FN row
	// 4: F1 = 2/(2+1+1) = 0.5.
	s, err := Score([]int8{1, 0, -1, 1, -1, -1}, []int8{1, 1, -1, -1, 1, -1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := Scores{Rows: 6, Labeled: 5, Coverage: 5.0 / 6, Correct: 3, Accuracy: 0.6, F1: 0.5}
	if s != want {
		t.Errorf("binary: %+v, want %+v", s, want)
	}
	// Three classes: row 3 abstains; correct 0, 2, 4: accuracy 3/6.
	// class 0: TP 0, FP 6, FN 5 -> 2/4; class 1: TP 4, FP 5, FN 1 and 6 ->
	// 2/5; class 2: TP 2, FP 1 -> 2/3. Macro-F1 (1/2 + 2/5 + 2/3)/3 = 47/90.
	pred := []int8{0, 2, 2, -1, 1, 1, 0}
	gold := []int8{0, 1, 2, 2, 1, 0, 1}
	for _, k := range []int{3, 4} { // class 3 of k = 4 occurs nowhere and is not averaged
		s, err = Score(pred, gold, k)
		if err != nil {
			t.Fatal(err)
		}
		if s.Rows != 7 || s.Labeled != 6 || s.Correct != 3 || s.Accuracy != 0.5 || math.Abs(s.F1-47.0/90) > 1e-15 {
			t.Errorf("k = %d: %+v, want 6 of 7 labelled, 3 correct, macro-F1 47/90", k, s)
		}
	}
	// Nothing labelled: zeros, not NaN.
	s, err = Score([]int8{0, 0}, []int8{1, -1}, 2)
	if err != nil || s != (Scores{Rows: 2}) {
		t.Errorf("all abstain: %+v, %v", s, err)
	}
}

func TestScoreErrors(t *testing.T) {
	for _, c := range []struct {
		pred, gold []int8
		k          int
		want       string
	}{
		{[]int8{1}, []int8{1, 1}, 2, "1 predicted labels for 2 gold"},
		{[]int8{1, 1}, []int8{1, 0}, 2, "gold label 0 in row 1"},
		{[]int8{2}, []int8{1}, 2, "predicted label 2 in row 0"},
		{[]int8{0}, []int8{3}, 3, "gold label 3 in row 0: want a class 0 to 2"},
		{[]int8{0}, []int8{-1}, 3, "gold label -1 in row 0"},
		{[]int8{0}, []int8{0}, 1, "scoring 1 classes"},
	} {
		if _, err := Score(c.pred, c.gold, c.k); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Score(%v, %v, %d): %v, want %q", c.pred, c.gold, c.k, err, c.want)
		}
	}
}

func TestLabelerTies(t *testing.T) {
	mk := func(p TiePolicy, seed uint64) *Labeler {
		l, err := NewLabeler(p, seed)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	abstain, negative := mk(TieAbstain, 0), mk("", 0)
	if abstain.Label([]float64{0.3, 0.7}) != 1 || negative.Label([]float64{0.7, 0.3}) != 0 {
		t.Error("a clear winner is not chosen")
	}
	tie := []float64{0.5 + 4e-6, 0.5 - 4e-6} // within Snorkel's 1e-5
	if got := abstain.Label(tie); got != -1 {
		t.Errorf("abstain on a tie: %d, want -1", got)
	}
	if got := mk(TieNegative, 0).Label(tie); got != 0 {
		t.Errorf("negative on a tie: %d, want 0", got)
	}
	if got := negative.Label(tie); got != -1 {
		t.Errorf("the empty policy is %q: got %d, want -1", negative.Policy(), got)
	}
	if got := abstain.Label([]float64{math.NaN(), 0.2}); got != 1 {
		t.Errorf("NaN won: %d", got)
	}
	if got := mk(TieNegative, 0).Label([]float64{math.NaN(), math.NaN()}); got != 0 {
		t.Errorf("all NaN is a tie of all: %d, want 0", got)
	}
	// Random: both classes come up, and the same seed repeats the choices.
	a, b := mk(TieRandom, 7), mk(TieRandom, 7)
	seen := map[int]int{}
	for range 200 {
		x := a.Label([]float64{0.25, 0.25, 0.5 - 1e-7, 0.5})
		if y := b.Label([]float64{0.25, 0.25, 0.5 - 1e-7, 0.5}); x != y {
			t.Fatal("same seed, different choices")
		}
		seen[x]++
	}
	if len(seen) != 2 || seen[2] < 60 || seen[3] < 60 {
		t.Errorf("random ties chose %v, want classes 2 and 3 about equally", seen)
	}
	if _, err := NewLabeler("coin", 0); err == nil || !strings.Contains(err.Error(), `"coin"`) {
		t.Errorf("bad policy: %v", err)
	}
}

func TestMajorityVote(t *testing.T) {
	abstain, _ := NewLabeler(TieAbstain, 0)
	negative, _ := NewLabeler(TieNegative, 0)
	for _, c := range []struct {
		row     []int8
		ab, neg int8
	}{
		{[]int8{1, 1, -1, 0}, 1, 1},
		{[]int8{-1, -1, 1}, -1, -1},
		{[]int8{1, -1, 0}, 0, -1},
		{[]int8{0, 0, 0}, 0, -1},
	} {
		if got := MajorityVote(c.row, abstain); got != c.ab {
			t.Errorf("MajorityVote(%v, abstain) = %d, want %d", c.row, got, c.ab)
		}
		if got := MajorityVote(c.row, negative); got != c.neg {
			t.Errorf("MajorityVote(%v, negative) = %d, want %d", c.row, got, c.neg)
		}
	}
	if got := MajorityVoteClass([]int8{0, 2, 2, -1}, 3, abstain); got != 2 {
		t.Errorf("class majority: %d, want 2", got)
	}
	if got := MajorityVoteClass([]int8{0, 1, -1}, 3, abstain); got != -1 {
		t.Errorf("class tie, abstain: %d, want -1", got)
	}
	if got := MajorityVoteClass([]int8{1, 0, -1}, 3, negative); got != 0 {
		t.Errorf("class tie, negative: %d, want 0", got)
	}
	got := MajorityVoteLabels(Votes{N: 2, M: 3, Data: []int8{1, 1, -1, 0, 0, 0}}, abstain)
	if got[0] != 1 || got[1] != 0 {
		t.Errorf("MajorityVoteLabels: %v, want [1 0]", got)
	}
}

// PredictLabels is the sign of P(Y = +1) away from ties; a row on which
// every LF abstains gets the class balance's label, or abstains when the
// balance is uniform.
func TestPredictLabels(t *testing.T) {
	votes := Votes{N: 3, M: 3, Data: []int8{1, 1, 1, -1, -1, 0, 0, 0, 0}}
	abstain, _ := NewLabeler(TieAbstain, 0)
	for _, c := range []struct {
		cb   []float64
		want []int8
	}{{[]float64{0.5, 0.5}, []int8{1, -1, 0}}, {[]float64{0.3, 0.7}, []int8{1, -1, 1}}} {
		m, _ := fitSynth(t, Spec{M: 3}, synth.Config{N: 5000, LFs: synth.Spread(3, 0.7, 0.9, 0.6, 0.9), Seed: 3}, Options{ClassBalance: c.cb})
		got, err := m.PredictLabels(votes, abstain)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("class balance %v: labels %v, want %v", c.cb, got, c.want)
		}
	}
	if _, err := (&Model{}).PredictLabels(votes, abstain); err == nil {
		t.Error("an unfitted model predicted labels")
	}
}
