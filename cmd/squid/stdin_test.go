package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withStdin runs f with standard input reading path.
func withStdin(t *testing.T, path string, f func()) {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	f()
}

// --votes - reads standard input, .npy or CSV, and gives what the file
// gives; it could not be used before (the votes had to be a named file).
func TestVotesFromStdin(t *testing.T) {
	dir := t.TempDir()
	votes := filepath.Join(golden, "basics", "L_train.npy")
	fromFile, fromStdin := filepath.Join(dir, "file.json"), filepath.Join(dir, "stdin.json")
	if out, err := squid(t, "fit", "--votes", votes, "-o", fromFile); err != nil {
		t.Fatal(out, err)
	}
	withStdin(t, votes, func() {
		if out, err := squid(t, "fit", "--votes", "-", "-o", fromStdin); err != nil {
			t.Fatal(out, err)
		}
	})
	a, _ := os.ReadFile(fromFile)
	b, _ := os.ReadFile(fromStdin)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("the model fitted on standard input differs from the file's (%d and %d bytes)", len(a), len(b))
	}
	// CSV on standard input, predictions to standard output.
	csv := filepath.Join(dir, "votes.csv")
	if err := os.WriteFile(csv, []byte("1,0,-1,1,1\n-1,1,0,1,-1\n1,1,1,1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := squid(t, "predict", "--model", fromFile, "--votes", csv, "-o", "-")
	if err != nil {
		t.Fatal(want, err)
	}
	withStdin(t, csv, func() {
		got, err := squid(t, "predict", "--model", fromFile, "--votes", "-", "-o", "-")
		if err != nil || got != want || strings.Count(got, "\n") != 4 {
			t.Errorf("predict from standard input: %v\n%s\nwant\n%s", err, got, want)
		}
	})
}

// Standard input is read once, only for votes and labels, and never
// replaced by the output it is redirected from.
func TestStdinMisuse(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	votes := filepath.Join(golden, "basics", "L_train.npy")
	if out, err := squid(t, "fit", "--votes", votes, "-o", model); err != nil {
		t.Fatal(out, err)
	}
	out := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(out, []byte("1,1,1,1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"both read standard input":       {"score", "--model", model, "--votes", "-", "--dev-labels", "-"},
		"--model - : only":               {"predict", "--model", "-", "--votes", votes, "-o", out},
		"--graph - : only":               {"fit", "--votes", votes, "--graph", "-", "-o", out},
		"is the input on standard input": {"predict", "--model", model, "--votes", "-", "-o", out},
	}
	for want, args := range cases {
		withStdin(t, out, func() {
			if msg, err := squid(t, args...); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %v (%s), want %q", args, err, msg, want)
			}
		})
	}
	if b, _ := os.ReadFile(out); string(b) != "1,1,1,1,1\n" {
		t.Errorf("the file on standard input was changed: %q", b)
	}
}

// Errors about votes or gold labels on standard input name it so, not "-"
// (they said "-: the votes' columns as LFs ..." and "- has 3 labels").
func TestStdinErrorsNameIt(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	votes := filepath.Join(golden, "basics", "L_train.npy")
	if out, err := squid(t, "fit", "--votes", votes, "-o", model); err != nil {
		t.Fatal(out, err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	twoLFs := write("two.csv", "1,-1\n-1,1\n")
	threeLabels := write("y.csv", "1\n-1\n1\n")
	for _, tc := range []struct {
		stdin, want string
		args        []string
	}{
		{twoLFs, "standard input: the votes' columns as LFs", []string{"fit", "--votes", "-", "-o", filepath.Join(dir, "m2.json")}},
		{twoLFs, "standard input: votes have 2 columns, the model has", []string{"predict", "--model", model, "--votes", "-", "-o", filepath.Join(dir, "p.npy")}},
		{threeLabels, "standard input has 3 labels for the", []string{"score", "--model", model, "--votes", votes, "--dev-labels", "-"}},
		{twoLFs, "standard input: gold labels are a 2 x 2 matrix", []string{"score", "--model", model, "--votes", votes, "--dev-labels", "-"}},
	} {
		withStdin(t, tc.stdin, func() {
			if msg, err := squid(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v: error %v (%s), want %q", tc.args, err, msg, tc.want)
			}
		})
	}
}
