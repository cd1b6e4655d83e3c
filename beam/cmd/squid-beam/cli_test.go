package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// squidBeam runs the test binary as squid-beam with args.
func squidBeam(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SQUID_BEAM_MAIN=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// A failed pipeline ends with one line naming the shard, row and column
// (not Beam's logs and plan), exit status 1, and no model.
func TestFailedPipelineIsOneLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("1,0,-1,1\n1,1,0,-1\n-1,1,1,1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("1,0,-1,1\n1,7,0,0\n"), 0o644)
	model := filepath.Join(dir, "model.json")
	_, stderr, err := squidBeam(t, "--input", filepath.Join(dir, "*.csv"), "--m", "4", "--output", model)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1", err)
	}
	want := "squid-beam: " + filepath.Join(dir, "b.csv") + ": line 2: value at row 1, column 1 is 7, want -1, +1 or 0 (abstain)\n"
	if stderr != want {
		t.Fatalf("stderr:\n%s\nwant the one line\n%s", stderr, want)
	}
	if _, err := os.Stat(model); !os.IsNotExist(err) {
		t.Error("a model was written despite the failed shard")
	}
	// --verbose shows Beam's logs and its whole error.
	_, stderr, _ = squidBeam(t, "--input", filepath.Join(dir, "*.csv"), "--m", "4", "--output", model, "--verbose")
	if !strings.Contains(stderr, "level=") || !strings.Contains(stderr, "caused by") {
		t.Fatalf("--verbose stderr has no Beam logs or plan:\n%s", stderr)
	}
}

// --help lists squid-beam's own flags, the fit flags among them, before
// Beam's.
func TestHelpListsSquidFlagsFirst(t *testing.T) {
	stdout, stderr, err := squidBeam(t, "--help")
	if err != nil {
		t.Fatalf("--help: %v", err)
	}
	out := stdout + stderr
	beamAt := strings.Index(out, "Beam's flags")
	runner := strings.Index(out, "  -runner ")
	if beamAt < 0 || runner < beamAt {
		t.Fatalf("no Beam section before -runner:\n%s", out)
	}
	for _, f := range []string{"input", "graph", "m", "output", "method", "class-balance", "dev-labels", "no-abstain", "compat",
		"exact-separators", "exact-dependencies", "classes", "abstain", "header", "no-header", "chunk", "predict", "verbose"} {
		at := strings.Index(out, "  -"+f+" ")
		if at < 0 {
			at = strings.Index(out, "  -"+f+"\n")
		}
		if at < 0 || at > beamAt {
			t.Errorf("-%s is not listed before Beam's flags", f)
		}
	}
}

// Bad fit flags are refused before anything runs, with squid fit's error.
func TestSameValidationAsSquidFit(t *testing.T) {
	bin := squid(t)
	dir := t.TempDir()
	votes := filepath.Join(dir, "v.csv")
	os.WriteFile(votes, []byte("1,0,-1,1\n1,1,0,-1\n-1,1,1,1\n0,1,1,1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "y.csv"), []byte("1\n-1\n"), 0o644)
	for _, args := range [][]string{
		{"--compat", "snorkel"},
		{"--class-balance", "0.5,0.5", "--dev-labels", filepath.Join(dir, "y.csv")},
		{"--class-balance", "0.5,x"},
		{"--classes", "1"},
		{"--abstain", "2"},
		{"--chunk", "0"},
		{"--header", "--no-header"},
		{"--method", "nope"},
		{"--classes", "3", "--exact-separators"},
		{"--classes", "3", "--compat", "flyingsquid"},
		{"--class-balance", "0.2,0.3,0.5"},
	} {
		out, err := exec.Command(bin, append([]string{"fit", "--votes", votes, "-o", filepath.Join(dir, "m.json")}, args...)...).CombinedOutput()
		if err == nil {
			t.Fatalf("squid fit %v succeeded", args)
		}
		berr := runArgs(append([]string{"--input", votes, "--m", "4", "--output", filepath.Join(dir, "b.json")}, args...))
		if berr == nil {
			t.Errorf("squid-beam %v succeeded; squid fit: %s", args, out)
			continue
		}
		if !strings.Contains(string(out), berr.Error()) {
			t.Errorf("%v: squid-beam says %q, squid fit %q", args, berr, strings.TrimSpace(string(out)))
		}
	}
}

// A fit ends as squid fit's does: its warnings and the summary line on
// standard error (squid-beam printed nothing, so an LF that never votes
// went unnoticed).
func TestFitPrintsWarningsAndSummary(t *testing.T) {
	dir := t.TempDir()
	// LF 3 never votes.
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("1,0,-1,0\n1,1,0,0\n-1,1,1,0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("1,1,-1,0\n-1,-1,1,0\n"), 0o644)
	model := filepath.Join(dir, "model.json")
	_, stderr, err := squidBeam(t, "--input", filepath.Join(dir, "*.csv"), "--m", "4", "--output", model)
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.Contains(stderr, "fit: 5 rows, 4 LFs, triplet_mean,") || !strings.Contains(stderr, "warning: ") {
		t.Fatalf("stderr has no summary line or warning:\n%s", stderr)
	}
}
