package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// LF names from graph.json travel into the model file, fit's warnings,
// accuracies, analyze and score; fit ends with one summary line.
func TestLFNamesTravel(t *testing.T) {
	dir := t.TempDir()
	graph := filepath.Join(dir, "graph.json")
	os.WriteFile(graph, []byte(`{"m": 4, "lf_names": ["has_kw", "regex", "heuristic", "silent"]}`), 0o644)
	rows := [][]int{}
	for r := range 400 {
		y := 1 - 2*(r%2)
		rows = append(rows, []int{y, y * (1 - 2*(r%7/6)), -y * (r % 5 / 4), 0})
	}
	votes := writeCSV(t, dir, "L.csv", rows...)
	model := filepath.Join(dir, "model.json")
	out, err := squid(t, "fit", "--votes", votes, "--graph", graph, "-o", model)
	if err != nil {
		t.Fatal(out, err)
	}
	if !strings.Contains(out, `warning: LF 3 "silent" never votes`) {
		t.Errorf("fit warnings do not name the LF:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^fit: 400 rows, 4 LFs, triplet_mean, [0-9.]+ s, [1-9][0-9]* warnings$`).MatchString(out) {
		t.Errorf("no summary line:\n%s", out)
	}
	if strings.Contains(out, "lambda_") || strings.Contains(out, "('") {
		t.Errorf("warnings in Python tuples:\n%s", out)
	}
	saved := mustRead(t, model)
	if !strings.Contains(saved, `"lf_names"`) || !regexp.MustCompile(`"v": 1\s*[,}]`).MatchString(saved) {
		t.Errorf("model file lacks the names or \"v\": 1:\n%.300s", saved)
	}
	acc, err := squid(t, "accuracies", "--model", model)
	var doc struct {
		Names    []string `json:"lf_names"`
		Warnings []string
	}
	if err != nil || json.Unmarshal([]byte(acc), &doc) != nil || strings.Join(doc.Names, ",") != "has_kw,regex,heuristic,silent" || len(doc.Warnings) == 0 {
		t.Errorf("accuracies: %v\n%s", err, acc)
	}
	table, err := squid(t, "analyze", "--votes", votes, "--model", model)
	if err != nil || !strings.Contains(table, "heuristic") || !strings.Contains(table, "name") {
		t.Errorf("analyze --model: %v\n%s", err, table)
	}
	table, err = squid(t, "analyze", "--votes", votes, "--graph", graph)
	if err != nil || !strings.Contains(table, "has_kw") {
		t.Errorf("analyze --graph: %v\n%s", err, table)
	}
	gold := make([][]int, len(rows))
	for r := range gold {
		gold[r] = []int{1 - 2*(r%2)}
	}
	score, err := squid(t, "score", "--model", model, "--votes", votes, "--dev-labels", writeCSV(t, dir, "Y.csv", gold...))
	if err != nil || !strings.Contains(score, "LFs: has_kw, regex, heuristic, silent") {
		t.Errorf("score: %v\n%s", err, score)
	}
}

// --abstain -1 on votes that look like FlyingSquid's 0-abstain convention
// warns; on Snorkel-looking votes it does not.
func TestAbstainConventionWarning(t *testing.T) {
	dir := t.TempDir()
	fsRows, snRows, allVote := [][]int{}, [][]int{}, [][]int{}
	for r := range 300 {
		a, b := r%3, r%5
		fsRows = append(fsRows, []int{[]int{1, 0, 0}[a], []int{-1, 0, 0}[a], []int{0, 1, -1, 0, 0}[b]})
		snRows = append(snRows, []int{[]int{1, -1, -1}[a], []int{0, -1, -1}[a], []int{-1, 1, 0, -1, -1}[b]})
		allVote = append(allVote, []int{r % 2, (r / 2) % 2, (r / 3) % 2})
	}
	for _, c := range []struct {
		name string
		rows [][]int
		want string
	}{
		{"flyingsquid", fsRows, "looks like FlyingSquid's"},
		{"no -1", allVote, "the votes have no -1"},
		{"snorkel", snRows, ""},
	} {
		out, err := squid(t, "fit", "--abstain", "-1", "--votes", writeCSV(t, dir, c.name+".csv", c.rows...), "-o", filepath.Join(dir, c.name+".json"))
		if err != nil {
			t.Fatal(c.name, out, err)
		}
		if got := strings.Contains(out, "--abstain -1:"); got != (c.want != "") || !strings.Contains(out, c.want) {
			t.Errorf("%s: output %q, want a warning with %q", c.name, out, c.want)
		}
	}
}
