package squidbeam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// The Beam predict writes one row of labels per row of a CSV shard, with
// a byte-order mark or a header line (a BOM made the first row a header,
// dropped, before).
func TestPredictCSVRowsInEqualRowsOut(t *testing.T) {
	dir := t.TempDir()
	rows := "1,0,-1,1\n-1,-1,1,0\n0,1,1,1\n1,1,1,-1\n"
	shards := map[string]string{"bom.csv": "\ufeff" + rows, "header.csv": "a,b,c,d\n" + rows, "both.csv": "\ufeffa,b,c,d\n" + rows}
	for name, text := range shards {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	model, _ := labelmodel.New(labelmodel.Spec{M: 4})
	if err := model.Fit(labelmodel.Votes{N: 4, M: 4, Data: []int8{1, 0, -1, 1, -1, -1, 1, 0, 0, 1, 1, 1, 1, 1, 1, -1}}, labelmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	model.Save(&b)
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	p, s := beam.NewPipelineWithRoot()
	if _, err := Predict(s, []byte(b.String()), filepath.Join(dir, "*.csv"), votesio.Convention{}, outDir, true, 3); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for name := range shards {
		out := filepath.Join(outDir, strings.TrimSuffix(name, ".csv")+".proba.npy")
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := votesio.ReadFloat64(f)
		f.Close()
		if err != nil || len(got) != 4 {
			t.Errorf("%s: %d rows out for 4 rows in (%v)", name, len(got), err)
		}
	}
}

// The pipelines refuse, before they run, an output that is a shard and two
// shards that would write the same labels file.
func TestOutputsNeverAnInput(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.npy", "a.csv", "b", "b.proba.npy"} {
		os.WriteFile(filepath.Join(dir, name), []byte("1,0,1,1\n"), 0o644)
	}
	_, s := beam.NewPipelineWithRoot()
	err := Fit(s, Config{Input: filepath.Join(dir, "*"), Spec: labelmodel.Spec{M: 4}}, filepath.Join(dir, "a.npy"))
	if err == nil || !strings.Contains(err.Error(), "is the input") {
		t.Errorf("fit over a shard: %v", err)
	}
	if err := Fit(s, Config{Input: filepath.Join(dir, "*"), Spec: labelmodel.Spec{M: 4}}, filepath.Join(dir, "no", "m.json")); err == nil {
		t.Error("fit into a missing directory accepted")
	}
	var b strings.Builder
	model, _ := labelmodel.New(labelmodel.Spec{M: 4})
	model.Fit(labelmodel.Votes{N: 4, M: 4, Data: []int8{1, 0, -1, 1, -1, -1, 1, 0, 0, 1, 1, 1, 1, 1, 1, -1}}, labelmodel.Options{})
	model.Save(&b)
	for glob, want := range map[string]string{"a.*": "would both write", "b*": "is the input"} {
		if _, err := Predict(s, []byte(b.String()), filepath.Join(dir, glob), votesio.Convention{}, dir, false, 0); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("predict %s: %v, want %q", glob, err, want)
		}
	}
	for _, name := range []string{"a.npy", "a.csv", "b", "b.proba.npy"} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != "1,0,1,1\n" {
			t.Errorf("%s changed", name)
		}
	}
}
