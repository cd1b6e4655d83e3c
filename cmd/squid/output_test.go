//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

// snapshot is every file of dir (name -> contents), to check that nothing
// was changed, replaced or left behind.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		fi, _ := os.Lstat(path)
		switch {
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(path)
			snap[path] = string(b)
		default:
			snap[path] = fi.Mode().Type().String()
		}
		return nil
	})
	return snap
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for path, b := range before {
		if after[path] != b {
			t.Errorf("%s changed %s", what, path)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s left %s", what, path)
		}
	}
}

// No output replaces an input (by any name) or a non-file, and a missing
// output directory is reported before any input is read.
func TestOutputNeverReplacesAnInput(t *testing.T) {
	dir := t.TempDir()
	model := fitGolden(t, dir)
	votes, _ := votesCSV(t, dir, "L.csv", "")
	graph := filepath.Join(dir, "graph.json")
	os.WriteFile(graph, []byte(`{"m": 5}`), 0o644)
	dev := filepath.Join(dir, "Y.csv")
	os.WriteFile(dev, []byte("1\n-1\n"), 0o644)
	os.Symlink(votes, filepath.Join(dir, "link.csv"))
	os.Link(model, filepath.Join(dir, "hard.json"))
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	device := testutil.CharDevice(t) // never /dev/null itself as root
	before := snapshot(t, dir)
	fit := func(out string) []string {
		return []string{"fit", "--votes", votes, "--graph", graph, "--dev-labels", dev, "-o", out}
	}
	predict := func(out string) []string { return []string{"predict", "--model", model, "--votes", votes, "-o", out} }
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"fit -o votes":         {fit(votes), "is the input " + votes},
		"fit -o graph":         {fit(graph), "is the input " + graph},
		"fit -o dev labels":    {fit(dev), "is the input " + dev},
		"fit -o link to votes": {fit(filepath.Join(dir, "link.csv")), "is the input"},
		"predict -o votes":     {predict(votes), "is the input " + votes},
		"predict -o model":     {predict(model), "is the input " + model},
		"predict -o hard link": {predict(filepath.Join(dir, "hard.json")), "is the input " + model},
		"predict -o dir":       {predict(filepath.Join(dir, "sub")), "a directory"},
		"fit -o fifo":          {fit(fifo), "a FIFO"},
		"predict -o a device":  {predict(device), "a character device"},
		"fit -o a device":      {fit(device), "a character device"},
		// The votes do not exist: the output is still the error reported.
		"missing dir":         {[]string{"fit", "--votes", filepath.Join(dir, "none.npy"), "-o", filepath.Join(dir, "no", "m.json")}, "output " + filepath.Join(dir, "no", "m.json")},
		"missing dir predict": {[]string{"predict", "--model", filepath.Join(dir, "none.json"), "--votes", votes, "-o", filepath.Join(dir, "no", "p.csv")}, "directory"},
	} {
		_, err := squid(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
	sameSnapshot(t, "a refused command", before, snapshot(t, dir))
}

// -o - writes the model (JSON) or the labels (CSV) to standard output.
func TestOutputToStdout(t *testing.T) {
	dir, model, votes, n := fixture(t)
	before := snapshot(t, dir)
	var stdout, stderr bytes.Buffer // fit's summary line goes to stderr
	err := run(context.Background(), []string{"fit", "--votes", votes, "-o", "-"}, &stdout, &stderr)
	js := stdout.String()
	var doc map[string]any
	if err != nil || json.Unmarshal([]byte(js), &doc) != nil || doc["format"] == nil {
		t.Errorf("fit -o -: %v\n%.200s", err, js)
	}
	out, err := squid(t, "predict", "--model", model, "--votes", votes, "-o", "-")
	if err != nil || strings.Count(out, "\n") != n+1 || !strings.HasPrefix(out, "P(Y=(-1)),P(Y=(+1))\n") {
		t.Errorf("predict -o -: %v, %d lines for %d rows\n%.200s", err, strings.Count(out, "\n"), n, out)
	}
	sameSnapshot(t, "-o -", before, snapshot(t, dir))
}

// An interrupted command (its context cancelled, as SIGINT does) writes
// nothing and leaves no temporary file.
func TestInterruptedWritesNothing(t *testing.T) {
	dir, model, votes, _ := fixture(t)
	before := snapshot(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"fit", "--votes", votes, "-o", filepath.Join(dir, "m.json")},
		{"predict", "--model", model, "--votes", votes, "-o", filepath.Join(dir, "p.npy")},
		{"predict", "--model", model, "--votes", votes, "-o", model + ".csv"},
	} {
		var out strings.Builder
		err := run(ctx, args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Errorf("%s: %v", args[0], err)
		}
	}
	sameSnapshot(t, "an interrupted command", before, snapshot(t, dir))
}

// predict writes .npy or .csv by the output's extension: another one is
// an error naming both, and nothing is written.
func TestPredictOutputExtension(t *testing.T) {
	dir, model, votes, _ := fixture(t)
	txt := filepath.Join(dir, "out.txt")
	_, err := squid(t, "predict", "--model", model, "--votes", votes, "-o", txt)
	if err == nil || !strings.Contains(err.Error(), "-o "+txt+": ") || !strings.Contains(err.Error(), ".npy") || !strings.Contains(err.Error(), ".csv") {
		t.Errorf("predict -o out.txt: %v", err)
	}
	if _, serr := os.Stat(txt); serr == nil {
		t.Error("predict -o out.txt wrote a file")
	}
	if out, err := squid(t, "predict", "--model", model, "--votes", votes, "-o", filepath.Join(dir, "P.NPY")); err != nil {
		t.Errorf("predict -o P.NPY: %v\n%s", err, out)
	}
}
