package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/synth"
)

const golden = "../../testdata/golden"

func squid(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

// The CLI reproduces the golden outputs end to end (fit, save, load, predict).
func TestFitPredictGolden(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	basics := filepath.Join(golden, "basics")
	if out, err := squid(t, "fit", "--votes", filepath.Join(basics, "L_train.npy"), "--class-balance", "0.3,0.7", "-o", model); err != nil {
		t.Fatal(out, err)
	}
	proba := filepath.Join(dir, "p.npy")
	if out, err := squid(t, "predict", "--model", model, "--votes", filepath.Join(basics, "L_dev.npy"), "-o", proba); err != nil {
		t.Fatal(out, err)
	}
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, proba), testutil.ReadFloats(t, filepath.Join(basics, "expected_triplet_mean_cb_proba_dev.npy"))); d > 1e-9 {
		t.Errorf("predict: max abs difference %g", d)
	}
	marg := filepath.Join(dir, "m.npy")
	if out, err := squid(t, "predict", "--marginal", "--model", model, "--votes", filepath.Join(basics, "L_dev.npy"), "-o", marg); err != nil {
		t.Fatal(out, err)
	}
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, marg), testutil.ReadFloats(t, filepath.Join(basics, "expected_triplet_mean_cb_marg_dev.npy"))); d > 1e-9 {
		t.Errorf("predict --marginal: max abs difference %g", d)
	}
	out, err := squid(t, "accuracies", "--model", model)
	if err != nil {
		t.Fatal(err)
	}
	var acc struct{ Accuracies []float64 }
	if err := json.Unmarshal([]byte(out), &acc); err != nil || len(acc.Accuracies) != 5 {
		t.Fatalf("accuracies output %q: %v", out, err)
	}

	// A sequence graph with the reference's quirk reproduced by --compat.
	seq := filepath.Join(golden, "seq_v3")
	graph := filepath.Join(dir, "graph.json")
	os.WriteFile(graph, []byte(`{"m": 12, "v": 3, "task_edges": [[0,1],[1,2]], "lf_task_edges": [[0,0],[1,0],[2,0],[3,0],[4,1],[5,1],[6,1],[7,1],[8,2],[9,2],[10,2],[11,2]]}`), 0o644)
	if out, err := squid(t, "fit", "--votes", filepath.Join(seq, "L_train.npy"), "--graph", graph, "--compat", "flyingsquid", "-o", model); err != nil {
		t.Fatal(out, err)
	}
	if out, err := squid(t, "predict", "--marginal", "--model", model, "--votes", filepath.Join(seq, "L_dev.npy"), "-o", marg); err != nil {
		t.Fatal(out, err)
	}
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, marg), testutil.ReadFloats(t, filepath.Join(seq, "expected_triplet_mean_marg_dev.npy"))); d > 1e-9 {
		t.Errorf("seq --compat: max abs difference %g", d)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.npy")
	f, _ := os.Create(bad)
	npyio.Write(f, mat.NewDense(2, 3, []float64{1, 0, -1, 1, 1, 2}))
	f.Close()
	model := filepath.Join(dir, "model.json")
	os.WriteFile(model, []byte("keep me"), 0o644)
	out, err := squid(t, "fit", "--votes", bad, "-o", model)
	if err == nil || !strings.Contains(err.Error(), "row 1, column 2 is 2") {
		t.Errorf("bad vote: %v %s", err, out)
	}
	if b, _ := os.ReadFile(model); string(b) != "keep me" {
		t.Error("a failed fit overwrote the output file")
	}
	if _, err := squid(t, "fit", "-o", model); err == nil || !strings.Contains(err.Error(), "--votes is required") {
		t.Errorf("missing flag: %v", err)
	}
	if _, err := squid(t, "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
	if _, err := squid(t, "predict", "--model", model, "--votes", bad, "-o", filepath.Join(dir, "o.npy")); err == nil || !strings.Contains(err.Error(), "model.json") {
		t.Errorf("corrupted model: %v", err)
	}
	graph := filepath.Join(dir, "g.json")
	os.WriteFile(graph, []byte(`{"m": 5, "lf_edgez": []}`), 0o644)
	if _, err := squid(t, "fit", "--votes", filepath.Join(golden, "basics", "L_train.npy"), "--graph", graph, "-o", model); err == nil || !strings.Contains(err.Error(), "lf_edgez") {
		t.Errorf("unknown graph field: %v", err)
	}
}

func TestDemoRuns(t *testing.T) {
	out, err := squid(t, "demo", "--n", "5000")
	if err != nil || !strings.Contains(out, "label model") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
}

// Streaming in small chunks gives the same model and output as one chunk;
// CSV and Snorkel's convention read the same votes.
func TestStreamingCSVAndConventions(t *testing.T) {
	dir := t.TempDir()
	basics := filepath.Join(golden, "basics", "L_train.npy")
	run1 := func(args ...string) string {
		t.Helper()
		if out, err := squid(t, args...); err != nil {
			t.Fatal(out, err)
		}
		b, _ := os.ReadFile(args[len(args)-1])
		return string(b)
	}
	whole := run1("fit", "--votes", basics, "-o", filepath.Join(dir, "a.json"))
	chunked := run1("fit", "--votes", basics, "--chunk", "333", "-o", filepath.Join(dir, "b.json"))
	if whole != chunked {
		t.Error("fitting in chunks of 333 rows gives another model")
	}
	// The same votes as Snorkel CSV: 1 -> 1, -1 -> 0, abstain -> -1.
	f, _ := os.Open(basics)
	var votes []int8
	npyio.Read(f, &votes)
	f.Close()
	var b strings.Builder
	b.WriteString("a,b,c,d,e\n")
	for r := 0; r < len(votes)/5; r++ {
		for i, v := range votes[r*5 : r*5+5] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(map[int8]string{1: "1", -1: "0", 0: "-1"}[v])
		}
		b.WriteByte('\n')
	}
	csvPath := filepath.Join(dir, "L.csv")
	os.WriteFile(csvPath, []byte(b.String()), 0o644)
	// The models differ only in the recorded convention.
	if fromCSV := run1("fit", "--votes", csvPath, "--abstain", "-1", "-o", filepath.Join(dir, "c.json")); strings.Replace(fromCSV, `"vote_abstain": -1`, `"vote_abstain": 0`, 1) != whole {
		t.Error("the Snorkel-convention CSV gives another model")
	}
	npyOut := filepath.Join(dir, "p.npy")
	run1("predict", "--model", filepath.Join(dir, "a.json"), "--votes", basics, "--chunk", "77", "-o", npyOut)
	csvOut := filepath.Join(dir, "p.csv")
	run1("predict", "--model", filepath.Join(dir, "c.json"), "--votes", csvPath, "-o", csvOut) // c.json reads -1 as abstain
	want := testutil.ReadFloats(t, filepath.Join(golden, "basics", "expected_triplet_mean_proba_train.npy"))
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, npyOut), want); d > 1e-9 {
		t.Errorf("chunked predict differs from golden by %g", d)
	}
	lines := strings.Split(strings.TrimSpace(mustRead(t, csvOut)), "\n")
	if len(lines) != 1+len(want)/2 || !strings.HasPrefix(lines[0], "P(Y=(-1)),P(Y=(+1))") {
		t.Fatalf("csv output has %d lines, header %q", len(lines), lines[0])
	}
	var p0, p1 float64
	fmt.Sscanf(strings.Replace(lines[1], ",", " ", 1), "%g %g", &p0, &p1)
	if math.Abs(p0-want[0]) > 1e-9 || math.Abs(p1-want[1]) > 1e-9 {
		t.Errorf("csv row 0 = %v %v, want %v %v", p0, p1, want[0], want[1])
	}
}

func mustRead(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMulticlassAndAnalyze(t *testing.T) {
	dir := t.TempDir()
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 20000, K: 3, LFs: synth.Spread(5, 0.55, 0.9, 0.5, 0.9), Seed: 3})
	votes := filepath.Join(dir, "L.npy")
	f, _ := os.Create(votes)
	vals := make([]float64, len(d.Votes))
	for i, v := range d.Votes {
		vals[i] = float64(v)
	}
	npyio.Write(f, mat.NewDense(d.N, d.M, vals))
	f.Close()
	gold := filepath.Join(dir, "Y.npy")
	g, _ := os.Create(gold)
	npyio.Write(g, d.Y)
	g.Close()
	model := filepath.Join(dir, "m.json")
	if out, err := squid(t, "fit", "--votes", votes, "--classes", "3", "-o", model); err != nil {
		t.Fatal(out, err)
	}
	out := filepath.Join(dir, "p.npy")
	if o, err := squid(t, "predict", "--model", model, "--votes", votes, "-o", out); err != nil {
		t.Fatal(o, err)
	}
	if p := testutil.ReadFloats(t, out); len(p) != 3*d.N || math.Abs(p[0]+p[1]+p[2]-1) > 1e-12 {
		t.Fatalf("multiclass output: %d values", len(p))
	}
	table, err := squid(t, "analyze", "--votes", votes, "--classes", "3", "--dev-labels", gold)
	if err != nil || !strings.Contains(table, "empirical acc") || !strings.Contains(table, "20000 rows") {
		t.Fatalf("analyze: %v\n%s", err, table)
	}
	js, err := squid(t, "analyze", "--votes", votes, "--classes", "3", "--dev-labels", gold, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		LFs []struct {
			Coverage          float64  `json:"coverage"`
			EmpiricalAccuracy *float64 `json:"empirical_accuracy"`
			EstimatedAccuracy *float64 `json:"estimated_accuracy"`
			Polarity          []int    `json:"polarity"`
		} `json:"lfs"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.LFs) != 5 {
		t.Fatalf("analyze --json: %v\n%s", err, js)
	}
	for i, lf := range doc.LFs {
		if lf.EmpiricalAccuracy == nil || lf.EstimatedAccuracy == nil || math.Abs(*lf.EmpiricalAccuracy-*lf.EstimatedAccuracy) > 0.05 || len(lf.Polarity) != 3 {
			t.Errorf("LF %d: %+v", i, lf)
		}
	}
}
