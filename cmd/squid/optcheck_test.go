package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad fit options fail before the votes are streamed, with an error that
// names the flag or the graph file. The votes here have a bad value in
// their last row: an error about that row means the votes were read
// before the options were checked.
func TestFitOptionsFailBeforeTheVotes(t *testing.T) {
	dir := t.TempDir()
	votes := filepath.Join(dir, "L.csv")
	os.WriteFile(votes, []byte(strings.Repeat("1,-1,1,0,1\n", 50)+"1,1,7,1,1\n"), 0o644)
	graph := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	edge := graph("edge.json", `{"m": 5, "lf_edges": [[0, 5]]}`)
	task := graph("task.json", `{"m": 5, "lf_task_edges": [[0, 1]]}`)
	out := filepath.Join(dir, "m.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--method", "foo"}, `--method "foo": `},
		{[]string{"--class-balance", "0.5"}, "--class-balance 0.5: "},
		{[]string{"--class-balance", "-1,2"}, "--class-balance -1,2: "},
		{[]string{"--classes", "3", "--class-balance", "1,1"}, "--class-balance 1,1: "},
		{[]string{"--graph", edge}, edge + ": labelmodel: lf_edges[0] = (0, 5): LF 5 does not exist (LF indices are 0 to 4)"},
		{[]string{"--graph", task}, task + ": labelmodel: lf_task_edges[0] = (0, 1): task 1 does not exist (task indices are 0 to 0)"},
	} {
		args := append([]string{"fit", "--votes", votes, "-o", out}, c.args...)
		_, err := squid(t, args...)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("fit %v: %v, want an error starting %q", c.args, err, c.want)
		}
	}
	// analyze's label-model estimate is optional, but a graph file given is checked.
	if _, err := squid(t, "analyze", "--votes", votes, "--graph", edge); err == nil || !strings.HasPrefix(err.Error(), edge+": ") {
		t.Errorf("analyze --graph with a bad edge: %v", err)
	}
	// More columns than the LF limit: the error names the votes file and
	// the limit, before any row is read.
	wide := filepath.Join(dir, "wide.csv")
	os.WriteFile(wide, []byte(strings.Repeat("1,", 2049)+"1\n"+strings.Repeat("x,", 2049)+"1\n"), 0o644)
	if _, err := squid(t, "fit", "--votes", wide, "-o", out); err == nil || !strings.HasPrefix(err.Error(), wide+": ") || !strings.Contains(err.Error(), "limit") {
		t.Errorf("fit on 2050 columns: %v", err)
	}
}

// A class balance that does not sum to 1 is normalised with a warning
// that says to what.
func TestClassBalanceNormalisedWarning(t *testing.T) {
	dir := t.TempDir()
	out, err := squid(t, "fit", "--votes", filepath.Join(golden, "basics", "L_train.npy"), "--class-balance", "0.3,0.8", "-o", filepath.Join(dir, "m.json"))
	if err != nil {
		t.Fatal(out, err)
	}
	if !strings.Contains(out, "warning: --class-balance 0.3,0.8 sums to 1.1, not 1: normalised to 0.272727,0.727273") || !strings.Contains(out, "1 warnings") {
		t.Errorf("fit --class-balance 0.3,0.8 output:\n%s", out)
	}
	out, _ = squid(t, "fit", "--votes", filepath.Join(golden, "basics", "L_train.npy"), "--class-balance", "0.3,0.7", "-o", filepath.Join(dir, "m.json"))
	if strings.Contains(out, "normalised") {
		t.Errorf("a class balance summing to 1 warns:\n%s", out)
	}
}
