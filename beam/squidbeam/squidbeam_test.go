package squidbeam

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
	"github.com/squid-ws/squid/votesio"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// writeShards splits votes into shards of the given row counts (.npy).
func writeShards(t *testing.T, dir string, votes []int8, m int, sizes []int) {
	t.Helper()
	start := 0
	for k, n := range sizes {
		sink, err := votesio.Create(filepath.Join(dir, "shard-"+string(rune('a'+k))+".npy"), m, nil)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]float64, n*m)
		for i := range vals {
			vals[i] = float64(votes[start*m+i])
		}
		if err := sink.Write(vals); err != nil {
			t.Fatal(err)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		start += n
	}
}

// The merged statistics and the fitted model equal a single-process fit of
// the concatenated shards, for shards of unequal sizes and an empty one;
// the predict pipeline writes each shard's labels.
func TestFitAndPredictMatchSingleProcess(t *testing.T) {
	dir := t.TempDir()
	spec := labelmodel.Spec{M: 6, LFEdges: [][2]int{{0, 1}}}
	d, _ := synth.Generate(synth.Config{N: 5000, LFs: synth.Spread(6, 0.6, 0.9, 0.4, 0.9), Seed: 7})
	sizes := []int{1, 2000, 0, 999, 2000}
	writeShards(t, dir, d.Votes, 6, sizes)
	cfg := Config{Input: filepath.Join(dir, "*.npy"), Spec: spec, Options: labelmodel.Options{Method: labelmodel.TripletMedian}, Chunk: 300}

	p, s := beam.NewPipelineWithRoot()
	merged, err := MergedStats(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	statsPath := filepath.Join(dir, "stats.bin")
	beam.ParDo0(s, &writeBytesFn{Path: statsPath}, merged)
	modelPath := filepath.Join(dir, "model.json")
	if err := Fit(s, cfg, modelPath); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}

	single, _ := labelmodel.New(spec)
	want := single.NewStats()
	all := labelmodel.Votes{N: d.N, M: 6, Data: d.Votes}
	if err := want.Add(all); err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile(statsPath)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := fitflags.NewFitter(spec, 2)
	if err := got.UnmarshalStats(enc); err != nil {
		t.Fatal(err)
	}
	if !got.BStats.Equal(want) {
		t.Fatal("merged statistics differ from the single-process count")
	}
	if err := single.FitStats(want, cfg.Options); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	model, err := labelmodel.Load(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := model.PredictProba(all)
	p2, _ := single.PredictProba(all)
	for i, x := range p1.RawMatrix().Data {
		if math.Abs(x-p2.RawMatrix().Data[i]) > 1e-12 {
			t.Fatalf("pipeline model differs at %d: %v vs %v", i, x, p2.RawMatrix().Data[i])
		}
	}

	// Predict every shard.
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	p, s = beam.NewPipelineWithRoot()
	if _, err := Predict(s, b, cfg.Input, cfg.Convention, outDir, true, 500); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	start := 0
	for k, n := range sizes {
		m := readShardLabels(t, outDir, k, n, 1)
		want, _ := single.PredictProbaMarginal(labelmodel.Votes{N: n, M: 6, Data: d.Votes[start*6 : (start+n)*6]})
		for r := 0; r < n; r++ {
			if math.Abs(m[r]-want.At(r, 0)) > 1e-12 {
				t.Fatalf("shard %d row %d: %v, want %v", k, r, m[r], want.At(r, 0))
			}
		}
		start += n
	}
}

// A shard with a bad value fails the pipeline with an error naming the
// shard, and no model is written.
func TestBadShardFailsAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	d, _ := synth.Generate(synth.Config{N: 600, LFs: synth.Spread(4, 0.6, 0.9, 0.4, 0.9), Seed: 1})
	writeShards(t, dir, d.Votes, 4, []int{300, 300})
	os.WriteFile(filepath.Join(dir, "shard-z.csv"), []byte("1,0,-1,1\n1,7,0,0\n"), 0o644)
	p, s := beam.NewPipelineWithRoot()
	modelPath := filepath.Join(dir, "model.json")
	if err := Fit(s, Config{Input: filepath.Join(dir, "shard-*"), Spec: labelmodel.Spec{M: 4}}, modelPath); err != nil {
		t.Fatal(err)
	}
	err := ptest.Run(p)
	if err == nil || !strings.Contains(err.Error(), "shard-z.csv") || !strings.Contains(err.Error(), "row 1, column 1 is 7") {
		t.Fatalf("error %v: want one naming shard-z.csv and the bad value", err)
	}
	if _, err := os.Stat(modelPath); !os.IsNotExist(err) {
		t.Error("a model was written despite the failed shard")
	}
}

// SetProgress is told every row read, once (squid-beam's progress bar).
func TestProgressCountsRows(t *testing.T) {
	dir := t.TempDir()
	d, _ := synth.Generate(synth.Config{N: 1000, LFs: synth.Spread(4, 0.6, 0.9, 0.4, 0.9), Seed: 2})
	writeShards(t, dir, d.Votes, 4, []int{400, 0, 600})
	var rows atomic.Int64
	SetProgress(func(n int) { rows.Add(int64(n)) })
	defer SetProgress(nil)
	p, s := beam.NewPipelineWithRoot()
	cfg := Config{Input: filepath.Join(dir, "*.npy"), Spec: labelmodel.Spec{M: 4}, Chunk: 128}
	if err := Fit(s, cfg, filepath.Join(dir, "model.json")); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	if rows.Load() != 1000 {
		t.Fatalf("progress counted %d rows, want 1000", rows.Load())
	}
}

// Options that cannot fit the graph are refused when the pipeline is
// built, before any shard is read.
func TestFitChecksOptionsUpFront(t *testing.T) {
	dir := t.TempDir()
	writeShards(t, dir, make([]int8, 40), 4, []int{10})
	for want, cfg := range map[string]Config{
		`unknown solve method "nope"`: {Spec: labelmodel.Spec{M: 4}, Options: labelmodel.Options{Method: "nope"}},
		"3 entries":                   {Spec: labelmodel.Spec{M: 4}, Options: labelmodel.Options{ClassBalance: []float64{0.2, 0.3, 0.5}}},
		"binary models only":          {Spec: labelmodel.Spec{M: 4}, Convention: votesio.Convention{Classes: 3}, Options: labelmodel.Options{ExactSeparators: true}},
	} {
		cfg.Input = filepath.Join(dir, "*.npy")
		_, s := beam.NewPipelineWithRoot()
		if err := Fit(s, cfg, filepath.Join(dir, "model.json")); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %v, want one with %q", cfg, err, want)
		}
	}
}
