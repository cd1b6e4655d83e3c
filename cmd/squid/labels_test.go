package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/squid-ws/squid/synth"
)

// voteRows returns an n x m int8 vote matrix as rows of ints, for writeCSV.
func voteRows(votes []int8, n, m int) [][]int {
	rows := make([][]int, n)
	for r := range rows {
		for c := range m {
			rows[r] = append(rows[r], int(votes[r*m+c]))
		}
	}
	return rows
}

// writeCSV writes rows of numbers as a CSV file and returns its path.
func writeCSV(t *testing.T, dir, name string, rows ...[]int) string {
	t.Helper()
	var b strings.Builder
	for _, row := range rows {
		for c, x := range row {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(x))
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fitThreeLFs fits a model (uniform class balance) on synthetic votes of
// one accurate LF (0.95) and two weak ones (0.6, 0.7), so that on the
// rows of labelRows the label model follows LF 0 against the other two.
func fitThreeLFs(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	d, err := synth.Generate(synth.Config{N: 20000, LFs: []synth.LF{{Coverage: 0.9, Accuracy: 0.95}, {Coverage: 0.9, Accuracy: 0.6}, {Coverage: 0.9, Accuracy: 0.7}}, PPositive: 0.5, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	rows := voteRows(d.Votes, d.N, d.M)
	model := filepath.Join(dir, "model.json")
	args := append([]string{"fit", "--votes", writeCSV(t, dir, "train.csv", rows...), "--class-balance", "0.5,0.5", "-o", model}, extra...)
	if out, err := squid(t, args...); err != nil {
		t.Fatal(out, err)
	}
	return model
}

// labelRows are votes whose labels are known by hand: the label model
// follows the accurate LF 0, majority vote the count; row 3 has no vote.
var labelRows = [][]int{{1, 1, 1}, {-1, -1, -1}, {1, -1, 0}, {0, 0, 0}, {-1, 1, 1}, {1, 1, 1}}

func TestPredictLabels(t *testing.T) {
	dir := t.TempDir()
	model := fitThreeLFs(t, dir)
	votes := writeCSV(t, dir, "L.csv", labelRows...)
	out := filepath.Join(dir, "y.csv")
	for _, c := range []struct {
		flags []string
		want  string
	}{
		// Row 3: every LF abstains, P(Y=+1) = 0.5 exactly: a tie.
		{nil, "label\n1\n-1\n1\n0\n-1\n1\n"},
		{[]string{"--tie-policy", "negative"}, "label\n1\n-1\n1\n-1\n-1\n1\n"},
		{[]string{"--abstain-label", "7"}, "label\n1\n-1\n1\n7\n-1\n1\n"},
		{[]string{"--drop-unlabeled"}, "row,label\n0,1\n1,-1\n2,1\n4,-1\n5,1\n"},
	} {
		args := append([]string{"predict", "--labels", "--model", model, "--votes", votes, "-o", out}, c.flags...)
		if msg, err := squid(t, args...); err != nil {
			t.Fatal(msg, err)
		}
		if got := mustRead(t, out); got != c.want {
			t.Errorf("predict --labels %v: %q, want %q", c.flags, got, c.want)
		}
	}
	// Snorkel's convention: 0/1 labels, -1 for a tie.
	snorkel := make([][]int, len(labelRows))
	for r, row := range labelRows {
		for _, v := range row {
			snorkel[r] = append(snorkel[r], map[int]int{1: 1, -1: 0, 0: -1}[v])
		}
	}
	sv := writeCSV(t, dir, "S.csv", snorkel...)
	// The same model as if fitted with --abstain -1: it reads Snorkel votes.
	snorkelModel := filepath.Join(dir, "snorkel.json")
	if s := strings.Replace(mustRead(t, model), `"vote_abstain": 0`, `"vote_abstain": -1`, 1); s == mustRead(t, model) {
		t.Fatal("model.json has no vote_abstain 0")
	} else {
		os.WriteFile(snorkelModel, []byte(s), 0o644)
	}
	if msg, err := squid(t, "predict", "--labels", "--model", snorkelModel, "--votes", sv, "-o", out); err != nil {
		t.Fatal(msg, err)
	}
	if got, want := mustRead(t, out), "label\n1\n0\n1\n-1\n0\n1\n"; got != want {
		t.Errorf("--abstain -1 labels %q, want %q", got, want)
	}
	// Random ties: the seed decides, and both labels come up over seeds.
	seen := map[string]bool{}
	for seed := range 16 {
		squid(t, "predict", "--labels", "--tie-policy", "random", "--seed", strconv.Itoa(seed), "--model", model, "--votes", votes, "-o", out)
		seen[strings.Split(mustRead(t, out), "\n")[4]] = true
	}
	if !seen["1"] || !seen["-1"] || len(seen) != 2 {
		t.Errorf("random ties over 16 seeds gave %v, want both -1 and 1", seen)
	}
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--tie-policy", "negative"}, "apply to --labels"},
		{[]string{"--labels", "--marginal"}, "not both"},
		{[]string{"--labels", "--tie-policy", "coin"}, `--tie-policy "coin"`},
		{[]string{"--labels", "--drop-unlabeled", "--abstain-label", "0"}, "not both"},
		{[]string{"--labels", "--abstain-label", "x"}, "not a number"},
		{[]string{"--classes", "3"}, "the model"},
	} {
		args := append([]string{"predict", "--model", model, "--votes", votes, "-o", out}, c.flags...)
		if _, err := squid(t, args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("predict %v: %v, want %q", c.flags, err, c.want)
		}
	}
}

// Multiclass hard labels are class ids, -1 for a tie.
func TestPredictLabelsMulticlass(t *testing.T) {
	dir := t.TempDir()
	var train [][]int
	for r := range 3000 { // LF c is right 80% of the time and abstains on 10%
		y, row := r%3, []int{}
		for c := range 4 {
			v := y
			switch {
			case (r*13+c*7)%10 == 0:
				v = -1
			case (r*7+c*3)%10 >= 8:
				v = (y + 1 + c%2) % 3
			}
			row = append(row, v)
		}
		train = append(train, row)
	}
	model := filepath.Join(dir, "m.json")
	if out, err := squid(t, "fit", "--classes", "3", "--votes", writeCSV(t, dir, "T.csv", train...), "-o", model); err != nil {
		t.Fatal(out, err)
	}
	votes := writeCSV(t, dir, "L.csv", []int{2, 2, 2, 2}, []int{-1, -1, -1, -1}, []int{0, 0, -1, 0})
	out := filepath.Join(dir, "y.csv")
	if msg, err := squid(t, "predict", "--labels", "--model", model, "--votes", votes, "-o", out); err != nil {
		t.Fatal(msg, err)
	}
	if got, want := mustRead(t, out), "label\n2\n-1\n0\n"; got != want {
		t.Errorf("multiclass labels %q, want %q", got, want)
	}
}

// squid score against values worked out by hand from labelRows and gold:
// label model: rows 0, 1, 2, 4, 5 labelled, 0, 1, 2, 4 right: coverage
// 5/6, accuracy 4/5, F1(+1) = 2·2/(2·2+1+0) = 0.8; majority vote: rows 0,
// 1, 4, 5 labelled (2 and 3 tie), 0 and 1 right: coverage 4/6, accuracy
// 1/2, F1(+1) = 2·1/(2·1+2+0) = 0.5.
func TestScoreHandComputed(t *testing.T) {
	dir := t.TempDir()
	model := fitThreeLFs(t, dir)
	votes := writeCSV(t, dir, "L.csv", labelRows...)
	gold := writeCSV(t, dir, "Y.csv", []int{1}, []int{-1}, []int{1}, []int{-1}, []int{-1}, []int{-1})
	out, err := squid(t, "score", "--model", model, "--votes", votes, "--dev-labels", gold, "--json")
	if err != nil {
		t.Fatal(out, err)
	}
	var rep scoreReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(out, err)
	}
	lm, mv := rep.LabelModel, rep.MajorityVote
	if lm.Labeled != 5 || lm.Correct != 4 || lm.Accuracy != 0.8 || lm.F1 != 0.8 || lm.Coverage != 5.0/6 {
		t.Errorf("label model %+v, want 5 labelled, 4 right, F1 0.8", lm)
	}
	if mv.Labeled != 4 || mv.Correct != 2 || mv.Accuracy != 0.5 || mv.F1 != 0.5 || mv.Coverage != 4.0/6 {
		t.Errorf("majority vote %+v, want 4 labelled, 2 right, F1 0.5", mv)
	}
	table, err := squid(t, "score", "--model", model, "--votes", votes, "--dev-labels", gold)
	if err != nil || !strings.Contains(table, "label model") || !strings.Contains(table, "0.8000") || !strings.Contains(table, "majority vote") {
		t.Errorf("score table:\n%s%v", table, err)
	}
	short := writeCSV(t, dir, "Y2.csv", []int{1})
	if _, err := squid(t, "score", "--model", model, "--votes", votes, "--dev-labels", short); err == nil || !strings.Contains(err.Error(), "Y2.csv has 1 labels") {
		t.Errorf("short gold labels: %v", err)
	}
}
