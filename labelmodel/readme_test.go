package labelmodel

import (
	"os"
	"strings"
	"testing"
)

// The README's Go API snippet is the code of Example_readme, which
// compiles and runs: the lines between its README markers, spaces
// collapsed, are the README's first Go block.
func TestREADMESnippet(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("example_more_test.go")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	between := func(s, a, b string) string {
		i := strings.Index(s, a)
		if i < 0 {
			return ""
		}
		s = s[i+len(a):]
		if j := strings.Index(s, b); j >= 0 {
			return s[:j]
		}
		return ""
	}
	api := between(string(readme), "## Go API", "\n## ")
	snippet := between(api, "```go\n", "```")
	code := between(string(example), "// README begin\n", "// README end")
	if snippet == "" || code == "" || norm(snippet) != norm(code) {
		t.Errorf("the README's Go API snippet:\n%s\nis not Example_readme's code:\n%s", snippet, code)
	}
}
