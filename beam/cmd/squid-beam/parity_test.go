package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/squid-ws/squid/synth"
)

// TestMain runs the tests on prism; with SQUID_BEAM_MAIN=1 the test binary
// is squid-beam itself (the tests run it to see its exit and its output).
func TestMain(m *testing.M) {
	if os.Getenv("SQUID_BEAM_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := ptest.MainRet(m)
	if squidBin != "" {
		os.RemoveAll(filepath.Dir(squidBin))
	}
	os.Exit(code)
}

var (
	squidOnce sync.Once
	squidBin  string
	squidErr  error
)

// squid builds the single-machine CLI (cmd/squid of the core module, the
// nocuda build) once per test run.
func squid(t *testing.T) string {
	t.Helper()
	squidOnce.Do(func() {
		dir, err := os.MkdirTemp("", "squid-bin")
		if err != nil {
			squidErr = err
			return
		}
		squidBin = filepath.Join(dir, "squid")
		cmd := exec.Command("go", "build", "-tags", "nocuda", "-o", squidBin, "./cmd/squid")
		cmd.Dir = filepath.Join("..", "..", "..") // the core module
		if out, err := cmd.CombinedOutput(); err != nil {
			squidErr = fmt.Errorf("building cmd/squid: %v\n%s", err, out)
		}
	})
	if squidErr != nil {
		t.Fatal(squidErr)
	}
	return squidBin
}

// writeCSV writes rows of m values as CSV, with a header line when header
// is set.
func writeCSV(t *testing.T, path string, vals []int8, m int, header bool) {
	t.Helper()
	var b strings.Builder
	if header {
		for j := range m {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "lf%d", j)
		}
		b.WriteByte('\n')
	}
	for r := 0; r < len(vals)/m; r++ {
		for j := range m {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, vals[r*m+j])
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// parityCase is one set of fit flags, given alike to squid fit and
// squid-beam, on votes (in the file convention the flags say) of m LFs.
type parityCase struct {
	name   string
	args   []string // {dir} is the test's directory
	votes  []int8
	m      int
	dev    []int8 // written to {dir}/dev.csv when not nil
	graph  string // written to {dir}/graph.json when not empty
	header bool   // CSV files start with a header line
}

// snorkel turns FlyingSquid votes (-1, 0 abstain, +1) into Snorkel's (0, -1
// abstain, 1).
func snorkel(v []int8) []int8 {
	out := make([]int8, len(v))
	for i, x := range v {
		out[i] = [3]int8{0, -1, 1}[x+1]
	}
	return out
}

func parityCases(t *testing.T) []parityCase {
	d, err := synth.Generate(synth.Config{N: 3000, LFs: synth.Spread(6, 0.55, 0.9, 0.4, 0.9), PPositive: 0.3, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	full := make([]int8, len(d.Votes)) // no LF abstains
	for i, v := range d.Votes {
		full[i] = v
		if v == 0 {
			full[i] = d.Y[i/6]
		}
	}
	mc, err := synth.GenerateMulticlass(synth.MulticlassConfig{N: 3000, K: 3, LFs: synth.Spread(6, 0.55, 0.9, 0.4, 0.9), Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	dev := d.Y[:200]
	deps := `{"m": 6, "lf_edges": [[0, 1]], "lf_names": ["a", "b", "c", "d", "e", "f"]}`
	return []parityCase{
		{name: "default", votes: d.Votes, m: 6},
		{name: "method triplet_median", args: []string{"--method", "triplet_median"}, votes: d.Votes, m: 6},
		{name: "method triplet", args: []string{"--method", "triplet"}, votes: d.Votes, m: 6},
		{name: "class-balance", args: []string{"--class-balance", "0.3,0.7"}, votes: d.Votes, m: 6},
		{name: "dev-labels", args: []string{"--dev-labels", "{dir}/dev.csv"}, votes: d.Votes, m: 6, dev: dev},
		{name: "no-abstain", args: []string{"--no-abstain"}, votes: full, m: 6},
		{name: "graph", args: []string{"--graph", "{dir}/graph.json"}, votes: d.Votes, m: 6, graph: deps},
		{name: "compat", args: []string{"--graph", "{dir}/graph.json", "--compat", "flyingsquid", "--class-balance", "0.3,0.7"}, votes: d.Votes, m: 6, graph: deps},
		{name: "exact-separators", args: []string{"--graph", "{dir}/graph.json", "--exact-separators", "--class-balance", "0.3,0.7"}, votes: d.Votes, m: 6, graph: deps},
		{name: "exact-dependencies", args: []string{"--graph", "{dir}/graph.json", "--exact-dependencies"}, votes: d.Votes, m: 6, graph: deps},
		{name: "abstain -1", args: []string{"--abstain", "-1", "--dev-labels", "{dir}/dev.csv"}, votes: snorkel(d.Votes), m: 6, dev: snorkel(dev)},
		{name: "classes 3", args: []string{"--classes", "3", "--method", "triplet_median"}, votes: mc.Votes, m: 6},
		{name: "classes 3 dev-labels", args: []string{"--classes", "3", "--dev-labels", "{dir}/dev.csv"}, votes: mc.Votes, m: 6, dev: mc.Y[:300]},
		{name: "classes 3 class-balance", args: []string{"--classes", "3", "--class-balance", "0.2,0.3,0.5"}, votes: mc.Votes, m: 6},
		{name: "header", args: []string{"--header"}, votes: d.Votes, m: 6, header: true},
		{name: "no-header", args: []string{"--no-header"}, votes: d.Votes, m: 6},
	}
}

// Every fit flag means the same to squid-beam as to squid fit: the Beam
// fit of the votes in shards of unequal sizes is squid
// fit's model of the whole file, within 1e-12.
func TestBeamFitEqualsSquidFit(t *testing.T) {
	bin := squid(t)
	for _, tc := range parityCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			if tc.dev != nil {
				writeCSV(t, filepath.Join(dir, "dev.csv"), tc.dev, 1, false)
			}
			if tc.graph != "" {
				os.WriteFile(filepath.Join(dir, "graph.json"), []byte(tc.graph), 0o644)
			}
			writeCSV(t, filepath.Join(dir, "all.csv"), tc.votes, tc.m, tc.header)
			shards := filepath.Join(dir, "shards")
			os.Mkdir(shards, 0o755)
			sizes := []int{1, 1200, 799, 1000}
			if tc.header {
				sizes = []int{1, 1200, 0, 799, 1000} // a header-only shard: no rows
			}
			start := 0
			for k, n := range sizes {
				writeCSV(t, filepath.Join(shards, fmt.Sprintf("s%d.csv", k)), tc.votes[start*tc.m:(start+n)*tc.m], tc.m, tc.header)
				start += n
			}

			cliModel := filepath.Join(dir, "cli.json")
			cmd := exec.Command(bin, append([]string{"fit", "--votes", filepath.Join(dir, "all.csv"), "-o", cliModel}, args...)...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("squid fit: %v\n%s", err, out)
			}
			beamModel := filepath.Join(dir, "beam.json")
			bargs := append([]string{"--input", filepath.Join(shards, "*.csv"), "--output", beamModel}, args...)
			if !slices.Contains(args, "--graph") {
				bargs = append(bargs, "--m", fmt.Sprint(tc.m))
			}
			if err := runArgs(bargs); err != nil {
				t.Fatalf("squid-beam: %v", err)
			}
			same(t, readJSON(t, beamModel), readJSON(t, cliModel), "model")
		})
	}
}

// runArgs runs squid-beam with the given flags (squid-beam's own; Beam's
// are the test binary's).
func runArgs(args []string) error {
	var o options
	fs := flag.NewFlagSet("squid-beam", flag.ContinueOnError)
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return run(context.Background(), &o)
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// same compares decoded JSON, numbers within 1e-12.
func same(t *testing.T, got, want any, at string) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			t.Fatalf("%s: %v, want %v", at, got, want)
		}
		for k := range w {
			same(t, g[k], w[k], at+"."+k)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Fatalf("%s: %v, want %v", at, got, want)
		}
		for i := range w {
			same(t, g[i], w[i], fmt.Sprintf("%s[%d]", at, i))
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-12 {
			t.Fatalf("%s: %v, want %v", at, got, want)
		}
	default:
		if got != want {
			t.Fatalf("%s: %v, want %v", at, got, want)
		}
	}
}
