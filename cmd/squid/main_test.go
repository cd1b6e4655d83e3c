package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

const golden = "../../testdata/golden"

func squid(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(args, &out, &errb)
	return out.String() + errb.String(), err
}

func readF64(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m mat.Dense
	if err := npyio.Read(f, &m); err == nil {
		return m.RawMatrix().Data
	}
	f.Seek(0, 0)
	var v []float64
	if err := npyio.Read(f, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
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
	if d := maxDiff(readF64(t, proba), readF64(t, filepath.Join(basics, "expected_triplet_mean_cb_proba_dev.npy"))); d > 1e-9 {
		t.Errorf("predict: max abs difference %g", d)
	}
	marg := filepath.Join(dir, "m.npy")
	if out, err := squid(t, "predict", "--marginal", "--model", model, "--votes", filepath.Join(basics, "L_dev.npy"), "-o", marg); err != nil {
		t.Fatal(out, err)
	}
	if d := maxDiff(readF64(t, marg), readF64(t, filepath.Join(basics, "expected_triplet_mean_cb_marg_dev.npy"))); d > 1e-9 {
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
	if d := maxDiff(readF64(t, marg), readF64(t, filepath.Join(seq, "expected_triplet_mean_marg_dev.npy"))); d > 1e-9 {
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
