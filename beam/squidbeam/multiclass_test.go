package squidbeam

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
	"github.com/squid-ws/squid/synth"
	"github.com/squid-ws/squid/votesio"
)

// The predict pipeline applies a multiclass model (it refused any model
// but a binary one: a k-class fit could be made on Beam, not used there)
// and writes each shard's P(Y = c), as multiclass.Model gives them.
func TestPredictMulticlass(t *testing.T) {
	dir := t.TempDir()
	const k, m = 3, 6
	d, err := synth.GenerateMulticlass(synth.MulticlassConfig{N: 3000, K: k, LFs: synth.Spread(m, 0.55, 0.9, 0.4, 0.9), Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{1000, 1, 1999}
	writeShards(t, dir, d.Votes, m, sizes)
	conv := votesio.Convention{Abstain: -1, Classes: k}
	cfg := Config{Input: filepath.Join(dir, "*.npy"), Spec: labelmodel.Spec{M: m}, Convention: conv, Chunk: 700}
	modelPath := filepath.Join(dir, "model.json")
	p, s := beam.NewPipelineWithRoot()
	if err := Fit(s, cfg, modelPath); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	model, err := multiclass.Load(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	p, s = beam.NewPipelineWithRoot()
	if _, err := Predict(s, b, cfg.Input, conv, outDir, true, 300); err == nil || !strings.Contains(err.Error(), "--marginal") {
		t.Errorf("marginal labels of a multiclass model: error %v", err)
	}
	if _, err := Predict(s, b, cfg.Input, votesio.Convention{}, outDir, false, 300); err == nil || !strings.Contains(err.Error(), "3 classes") {
		t.Errorf("a multiclass model on binary votes: error %v", err)
	}
	p, s = beam.NewPipelineWithRoot()
	if _, err := Predict(s, b, cfg.Input, conv, outDir, false, 300); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	start := 0
	for i, n := range sizes {
		got := readShardLabels(t, outDir, i, n, k)
		want, err := model.PredictProba(multiclass.Votes{N: n, M: m, Data: d.Votes[start*m : (start+n)*m]})
		if err != nil {
			t.Fatal(err)
		}
		for j, x := range want.RawMatrix().Data {
			if math.Abs(got[j]-x) > 1e-12 {
				t.Fatalf("shard %d value %d: %v, want %v", i, j, got[j], x)
			}
		}
		start += n
	}
}
