package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Not a terminal (a buffer, a regular file): no bar, and a nil bar's
// methods do nothing.
func TestNoBarOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	if b := New(&buf, 10, "x"); b != nil {
		t.Fatal("a bar on a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := New(f, 10, "x")
	if b != nil {
		t.Fatal("a bar on a regular file")
	}
	b.Add(3)
	b.Finish()
}

// The bar counts what it is given and ends its line.
func TestBarCounts(t *testing.T) {
	var buf bytes.Buffer
	b := newBar(&buf, 10, "rows")
	b.Add(4)
	b.Add(6)
	b.Finish()
	out := buf.String()
	if !strings.Contains(out, "rows") || !strings.Contains(out, "10/10") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("bar output %q: want the description, 10/10 and a final newline", out)
	}
}

// An unknown total (-1: a CSV file) shows the count alone; a count past
// the total never draws more than a full bar.
func TestBarUnknownTotalAndOvercount(t *testing.T) {
	var buf bytes.Buffer
	b := newBar(&buf, -1, "rows")
	b.Add(7)
	b.Finish()
	if out := buf.String(); !strings.HasSuffix(out, "rows 7\n") {
		t.Errorf("unknown total: %q, want it to end with the count", out)
	}
	buf.Reset()
	b = newBar(&buf, 4, "rows")
	b.Add(9)
	b.Finish()
	if out := buf.String(); !strings.Contains(out, "100%") || strings.Contains(out, "225%") || !strings.Contains(out, "9/4") {
		t.Errorf("overcount: %q, want a full bar and the true count", out)
	}
}
