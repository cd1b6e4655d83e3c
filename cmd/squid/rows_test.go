package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/votesio"
)

// votesCSV writes the golden dev votes as CSV text after prefix (a BOM, a
// header line) and returns the path and the number of rows.
func votesCSV(t *testing.T, dir, name, prefix string) (string, int) {
	t.Helper()
	v, err := votesio.ReadVotesFile(filepath.Join(golden, "basics", "L_dev.npy"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(prefix)
	for r := 0; r < v.N; r++ {
		for c := 0; c < v.M; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(int(v.Data[r*v.M+c])))
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, v.N
}

// fitGolden fits a model on the golden training votes into dir.
func fitGolden(t *testing.T, dir string) string {
	t.Helper()
	model := filepath.Join(dir, "model.json")
	if out, err := squid(t, "fit", "--votes", filepath.Join(golden, "basics", "L_train.npy"), "-o", model); err != nil {
		t.Fatal(out, err)
	}
	return model
}

// fixture is a directory with a fitted model.json and the golden dev votes
// as L.csv (n rows), for commands to run on.
func fixture(t *testing.T) (dir, model, votes string, n int) {
	t.Helper()
	dir = t.TempDir()
	model = fitGolden(t, dir)
	votes, n = votesCSV(t, dir, "L.csv", "")
	return dir, model, votes, n
}

// Rows in equal rows out in predict and analyze, for a CSV with a
// byte-order mark (read as a header, and its first row dropped, before).
func TestRowsInEqualRowsOut(t *testing.T) {
	dir := t.TempDir()
	model := fitGolden(t, dir)
	want := testutil.ReadFloats(t, filepath.Join(golden, "basics", "expected_triplet_mean_proba_dev.npy"))
	for name, prefix := range map[string]string{"plain": "", "BOM": "\ufeff", "BOM+header": "\ufeffa,b,c,d,e\n", "header": "lf0,lf1,lf2,lf3,lf4\n"} {
		votes, n := votesCSV(t, dir, "L.csv", prefix)
		out := filepath.Join(dir, "p.npy")
		if o, err := squid(t, "predict", "--model", model, "--votes", votes, "--chunk", "100", "-o", out); err != nil {
			t.Fatalf("%s: %v %s", name, err, o)
		}
		got := testutil.ReadFloats(t, out)
		if len(got) != 2*n {
			t.Fatalf("%s: predict wrote %d rows for %d rows in", name, len(got)/2, n)
		}
		if d := testutil.MaxAbsDiff(got, want); d > 1e-9 {
			t.Errorf("%s: rows out of step with the golden output (max diff %g)", name, d)
		}
		csvOut := filepath.Join(dir, "p.csv")
		if o, err := squid(t, "predict", "--model", model, "--votes", votes, "-o", csvOut); err != nil {
			t.Fatalf("%s: %v %s", name, err, o)
		}
		if lines := strings.Count(mustRead(t, csvOut), "\n"); lines != n+1 {
			t.Errorf("%s: CSV output has %d lines for %d rows and a header", name, lines, n)
		}
		js, err := squid(t, "analyze", "--votes", votes, "--json")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Rows int64 }
		if err := json.Unmarshal([]byte(js[strings.Index(js, "{"):]), &doc); err != nil || doc.Rows != int64(n) {
			t.Errorf("%s: analyze counted %d rows of %d (%v)", name, doc.Rows, n, err)
		}
	}
}

// A typo in any row (line 1 included) is an error naming the file, line,
// column and value, and a *votesio.ValueError through the CLI.
func TestTypoIsAnError(t *testing.T) {
	dir := t.TempDir()
	model := fitGolden(t, dir)
	votes, _ := votesCSV(t, dir, "L.csv", "1,O,-1,0,1\n")
	for _, args := range [][]string{
		{"predict", "--model", model, "--votes", votes, "-o", filepath.Join(dir, "p.npy")},
		{"fit", "--votes", votes, "-o", filepath.Join(dir, "m.json")},
		{"analyze", "--votes", votes},
	} {
		_, err := squid(t, args...)
		var ve *votesio.ValueError
		if !errors.As(err, &ve) || ve.File != votes || ve.Line != 1 || ve.Column != 1 || ve.Value != "O" {
			t.Errorf("%s: %v, want a ValueError at line 1, column 1", args[0], err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "p.npy")); err == nil {
		t.Error("predict wrote an output")
	}
	// Told that line 1 is a header, the same file reads (one row fewer).
	if o, err := squid(t, "analyze", "--header", "--votes", votes); err != nil {
		t.Errorf("--header: %v %s", err, o)
	}
	if _, err := squid(t, "analyze", "--header", "--no-header", "--votes", votes); err == nil {
		t.Error("--header with --no-header accepted")
	}
}

// Dev-label errors name the dev-label file and say a label cannot be 0.
func TestDevLabelErrorsNameTheirFile(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "Y.csv")
	os.WriteFile(dev, []byte("1\n-1\n0\n"), 0o644)
	votes := filepath.Join(golden, "basics", "L_train.npy")
	_, err := squid(t, "fit", "--votes", votes, "--dev-labels", dev, "-o", filepath.Join(dir, "m.json"))
	if err == nil || !strings.HasPrefix(err.Error(), dev+": ") || !strings.Contains(err.Error(), "cannot be 0") {
		t.Errorf("fit: %v", err)
	}
	_, err = squid(t, "analyze", "--votes", votes, "--dev-labels", dev)
	if err == nil || !strings.HasPrefix(err.Error(), dev+": ") || !strings.Contains(err.Error(), "cannot be 0") {
		t.Errorf("analyze: %v", err)
	}
}
