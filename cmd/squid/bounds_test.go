package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Inputs the CLI accepted silently: trailing data after graph.json, a
// zero-row vote file with the wrong number of columns for the model, an
// unbounded --chunk.
func TestSilentlyAcceptedInputs(t *testing.T) {
	dir := t.TempDir()
	votes := filepath.Join(golden, "basics", "L_train.npy")
	graph := filepath.Join(dir, "graph.json")
	if err := os.WriteFile(graph, []byte(`{"m": 5} {"m": 6}`), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "model.json")
	if out, err := squid(t, "fit", "--votes", votes, "--graph", graph, "-o", model); err == nil || !strings.Contains(err.Error(), "after the graph") {
		t.Errorf("trailing graph data: %v %s", err, out)
	}
	if out, err := squid(t, "fit", "--votes", votes, "-o", model); err != nil {
		t.Fatal(out, err)
	}
	empty := filepath.Join(dir, "empty.npy")
	dict := "{'descr': '|i1', 'fortran_order': False, 'shape': (0, 7), }"
	dict += strings.Repeat(" ", 63-len(dict)) + "\n"
	if err := os.WriteFile(empty, append([]byte("\x93NUMPY\x01\x00\x40\x00"), dict...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A (0, 7) file against a model of 5 LFs used to write an empty
	// output and exit 0.
	if out, err := squid(t, "predict", "--model", model, "--votes", empty, "-o", filepath.Join(dir, "p.csv")); err == nil || !strings.Contains(err.Error(), "5 LFs") {
		t.Errorf("zero rows, wrong m: %v %s", err, out)
	}
	if out, err := squid(t, "fit", "--votes", votes, "--chunk", "1000000000000", "-o", model); err == nil || !strings.Contains(err.Error(), "--chunk") {
		t.Errorf("huge --chunk: %v %s", err, out)
	}
}
