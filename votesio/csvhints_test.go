package votesio

import (
	"strings"
	"testing"
)

// Files that are almost CSV votes get an error that says why: a pandas
// index column (an empty first header field), another delimiter (one
// column), a header with numbers (the hint names --header).
func TestCSVHints(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		conv Convention
		want []string
	}{
		"pandas index":           {",lf1,lf2,lf3\n0,1,-1,0\n1,1,1,1\n2,-1,0,1\n", Convention{}, []string{`line 1 starts with an empty field (",lf1,lf2,lf3")`, "pandas", "to_csv(index=False)"}},
		"pandas index, --header": {",lf1,lf2\n0,1,-1\n", Convention{Header: HeaderPresent}, []string{"to_csv(index=False)"}},
		"semicolons":             {"a;b;c\n1;-1;0\n", Convention{}, []string{"line 2", `"1;-1;0"`, "one column", "';'", "comma-separated"}},
		"semicolons, no header":  {"1;-1;0\n", Convention{Header: HeaderAbsent}, []string{"';'", "comma-separated"}},
		"tabs":                   {"a\tb\tc\n1\t-1\t0\n", Convention{}, []string{"tabs"}},
		"header with numbers":    {"lf1,lf2,3\n1,1,1\n", Convention{}, []string{"line 1", "pass --header"}},
	} {
		_, err := readCSV(t, c.text, c.conv)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want %q", name, err, w)
			}
		}
	}
	// A one-column file of votes (gold labels) is fine, with or without a header.
	if m, err := readCSV(t, "label\n1\n-1\n", Convention{}); err != nil || m.Rows != 2 {
		t.Errorf("one-column labels: %v, %d rows", err, m.Rows)
	}
}
