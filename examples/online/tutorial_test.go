package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// snippetRef is a Go code block of the tutorial with the marker that names
// its source: <!-- snippet: path name --> on the line before the block.
var snippetRef = regexp.MustCompile("(?s)<!-- snippet: (\\S+) (\\S+) -->\n```go\n(.*?)```")

// Every Go code block of the tutorial is a region of a source file that is
// built and tested (here, or in the trainer modules' CI), copied exactly:
// the tutorial's snippets compile.
func TestTutorialSnippetsAreSource(t *testing.T) {
	root := "../.."
	doc, err := os.ReadFile(filepath.Join(root, "docs/tutorial-online.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Count(string(doc), "```go")
	refs := snippetRef.FindAllStringSubmatch(string(doc), -1)
	if len(refs) != blocks || blocks == 0 {
		t.Fatalf("%d Go code blocks, %d with a snippet marker: every block needs one", blocks, len(refs))
	}
	for _, ref := range refs {
		src, err := os.ReadFile(filepath.Join(root, ref[1]))
		if err != nil {
			t.Fatal(err)
		}
		want, ok := region(string(src), ref[2])
		if !ok {
			t.Errorf("%s has no snippet %q", ref[1], ref[2])
			continue
		}
		if ref[3] != want {
			t.Errorf("tutorial's snippet %s %s differs from the source:\n--- tutorial\n%s--- source\n%s", ref[1], ref[2], ref[3], want)
		}
	}
}

// region returns the lines between "// snippet:name" and the next
// "// snippet:end", without their common indentation.
func region(src, name string) (string, bool) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "// snippet:"+name {
			continue
		}
		var out []string
		for _, l := range lines[i+1:] {
			if strings.TrimSpace(l) == "// snippet:end" {
				for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
					out = out[:len(out)-1]
				}
				indent := len(lines[i]) - len(strings.TrimLeft(lines[i], "\t"))
				for k, o := range out {
					out[k] = strings.TrimPrefix(o, strings.Repeat("\t", indent))
				}
				return strings.Join(out, "\n") + "\n", true
			}
			out = append(out, l)
		}
	}
	return "", false
}
