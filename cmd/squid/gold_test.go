package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Gold-label errors say what is wrong with the labels: a matrix's shape,
// a value that is not a label (without the abstain note, which is about
// another value), and too few labels with the number of rows of votes.
func TestGoldLabelErrors(t *testing.T) {
	dir, model, votes, n := fixture(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	wide := write("wide.csv", "1,1\n-1,1\n1,-1\n")
	two := write("two.csv", "1\n2\n")
	half := write("half.csv", "1\n0.5\n")
	zero := write("zero.csv", "1\n0\n")
	short := write("short.csv", strings.Repeat("1\n", n-1))
	train := filepath.Join(golden, "basics", "L_train.npy")
	for _, c := range []struct {
		args          []string
		want, notWant string
	}{
		{[]string{"fit", "--votes", train, "--dev-labels", wide, "-o", filepath.Join(dir, "m2.json")}, wide + ": gold labels are a 3 x 2 matrix (rows x columns), want one column", ""},
		{[]string{"score", "--model", model, "--votes", votes, "--dev-labels", wide}, wide + ": gold labels are a 3 x 2 matrix", ""},
		{[]string{"analyze", "--votes", votes, "--dev-labels", wide}, wide + ": gold labels are a 3 x 2 matrix", ""},
		{[]string{"score", "--model", model, "--votes", votes, "--dev-labels", two}, "is 2, want -1 or +1 (a gold label is the true class of its row)", "abstain"},
		{[]string{"fit", "--votes", train, "--dev-labels", half, "-o", filepath.Join(dir, "m2.json")}, "is 0.5, want -1 or +1 (a gold label is", "abstain"},
		{[]string{"fit", "--votes", train, "--dev-labels", zero, "-o", filepath.Join(dir, "m2.json")}, "is 0, want -1 or +1 (a gold label cannot be 0, which means abstain)", ""},
		{[]string{"score", "--model", model, "--votes", votes, "--dev-labels", short, "--chunk", "7"}, short + " has " + itoa(n-1) + " labels for the " + itoa(n) + " rows of votes in " + votes, ""},
		{[]string{"analyze", "--votes", votes, "--dev-labels", short, "--chunk", "7"}, short + " has " + itoa(n-1) + " labels for the " + itoa(n) + " rows of votes in " + votes, ""},
	} {
		_, err := squid(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.notWant != "" && strings.Contains(err.Error(), c.notWant)) {
			t.Errorf("%v: %v, want %q", c.args[:1], err, c.want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
