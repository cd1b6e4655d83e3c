package labelmodel

import (
	"path/filepath"
	"strings"
	"testing"
)

// fitReviewExample fits the review's example: the golden basics votes
// with LFs 0-2 on Y_0, LFs 3-4 on Y_1 and an edge between the tasks.
func fitReviewExample(t *testing.T) *Model {
	t.Helper()
	votes := loadVotes(t, filepath.Join(goldenDir, "basics"), "L_train.npy", 5)
	m, err := New(Spec{M: 5, V: 2, TaskEdges: [][2]int{{0, 1}},
		LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {3, 1}, {4, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(votes, Options{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImpossibleEstimateWarns fits the review's example: on the golden
// basics votes with two tasks, LF 0's estimated E[λ_0 Y_0] (0.2058) is
// above its coverage (0.2002). The fit must warn, naming the LF, and the
// accuracies must stay in range; before, only estimates above 1 warned.
func TestImpossibleEstimateWarns(t *testing.T) {
	m := fitReviewExample(t)
	var hit []string
	for _, w := range m.Warnings() {
		if strings.Contains(w, "impossible") {
			hit = append(hit, w)
		}
	}
	if len(hit) != 1 || !strings.Contains(hit[0], "LF 0 ") || !strings.Contains(hit[0], "clamped to 1") {
		t.Fatalf("want one impossible-estimate warning naming LF 0, got %q (all: %q)", hit, m.Warnings())
	}
	given, _ := m.AccuraciesGivenVote()
	for i, a := range given {
		if !(a >= 0 && a <= 1) {
			t.Errorf("accuracy given a vote of LF %d = %v, outside [0, 1]", i, a)
		}
	}
}

// TestPossibleEstimatesDoNotWarn: a well-specified fit (one task, the
// golden basics votes) has no impossible-estimate warning, so the check
// does not cry wolf.
func TestPossibleEstimatesDoNotWarn(t *testing.T) {
	votes := loadVotes(t, filepath.Join(goldenDir, "basics"), "L_train.npy", 5)
	m, err := New(Spec{M: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(votes, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, w := range m.Warnings() {
		if strings.Contains(w, "impossible") {
			t.Errorf("unexpected warning %q", w)
		}
	}
}

// TestImpossibleWarningBounds checks the rule itself on both sides of the
// coverage bound and for a negative estimate.
func TestImpossibleWarningBounds(t *testing.T) {
	m, err := New(Spec{M: 3, LFNames: []string{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	e := expectation{lfs: []int{1}}
	for _, c := range []struct {
		v, cover float64
		want     string
	}{
		{0.2, 0.2, ""},
		{0.2 + 1e-12, 0.2, ""},
		{0.21, 0.2, `LF 1 "b"'s joint accuracy is above its coverage and its accuracy given a vote is clamped to 1`},
		{-0.21, 0.2, "clamped to 0"},
		{1.01, 1, "above 1"},
	} {
		got := m.impossibleWarning(e, c.v, c.cover)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("impossibleWarning(%v, cover %v) = %q, want one containing %q", c.v, c.cover, got, c.want)
		}
	}
}
