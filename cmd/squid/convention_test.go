package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/synth"
	"github.com/squid-ws/squid/votesio"
)

// snorkelCSV writes the golden votes file (FlyingSquid's -1/0/+1) as a
// CSV in Snorkel's convention: 1 -> 1, -1 -> 0, abstain 0 -> -1.
func snorkelCSV(t *testing.T, dir, name, golden string) string {
	t.Helper()
	v, err := votesio.ReadVotesFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for r := range v.N {
		for c := range v.M {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(map[int8]int{1: 1, -1: 0, 0: -1}[v.Data[r*v.M+c]]))
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A model fitted with --abstain -1 reads votes in that convention in
// predict, score and analyze --model without being told again; an
// explicit --abstain that disagrees is an error. Before the convention
// was recorded, predict read Snorkel's 0 votes as abstentions (exit 0,
// wrong probabilities).
func TestModelRemembersVoteConvention(t *testing.T) {
	dir := t.TempDir()
	basics := filepath.Join(golden, "basics")
	train := snorkelCSV(t, dir, "train.csv", filepath.Join(basics, "L_train.npy"))
	dev := snorkelCSV(t, dir, "dev.csv", filepath.Join(basics, "L_dev.npy"))
	model := filepath.Join(dir, "model.json")
	if out, err := squid(t, "fit", "--votes", train, "--abstain", "-1", "--class-balance", "0.3,0.7", "-o", model); err != nil {
		t.Fatal(out, err)
	}
	proba := filepath.Join(dir, "p.npy")
	if out, err := squid(t, "predict", "--model", model, "--votes", dev, "-o", proba); err != nil {
		t.Fatal(out, err)
	}
	want := testutil.ReadFloats(t, filepath.Join(basics, "expected_triplet_mean_cb_proba_dev.npy"))
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, proba), want); d > 1e-9 {
		t.Errorf("predict without --abstain on a model fitted with --abstain -1: max abs difference %g from golden", d)
	}
	gold := filepath.Join(dir, "y.csv")
	os.WriteFile(gold, []byte(strings.Repeat("1\n", len(want)/2)), 0o644)
	for _, args := range [][]string{
		{"predict", "--model", model, "--votes", dev, "-o", filepath.Join(dir, "q.npy"), "--abstain", "0"},
		{"score", "--model", model, "--votes", dev, "--dev-labels", gold, "--abstain", "0"},
		{"analyze", "--model", model, "--votes", dev, "--abstain", "0"},
	} {
		_, err := squid(t, args...)
		if err == nil || !strings.Contains(err.Error(), "--abstain 0: the model "+model+" was fitted on votes where -1 means abstain") {
			t.Errorf("%s with a conflicting --abstain 0: %v", args[0], err)
		}
	}
	// score reads the 0/1 gold labels in the model's convention too.
	os.WriteFile(gold, []byte(strings.Repeat("1\n0\n", len(want)/4)+strings.Repeat("1\n", len(want)/2%2)), 0o644)
	if out, err := squid(t, "score", "--model", model, "--votes", dev, "--dev-labels", gold); err != nil {
		t.Errorf("score without --abstain: %v\n%s", err, out)
	}
	if out, err := squid(t, "analyze", "--model", model, "--votes", dev, "--abstain", "-1"); err != nil {
		t.Errorf("analyze with the model's --abstain -1: %v\n%s", err, out)
	}

	// A model file from before the record loads; it takes --abstain as given.
	var doc map[string]any
	if err := json.Unmarshal([]byte(mustRead(t, model)), &doc); err != nil || doc["vote_abstain"] != -1.0 {
		t.Fatalf("the model file does not record vote_abstain -1: %v %v", doc["vote_abstain"], err)
	}
	delete(doc, "vote_abstain")
	b, _ := json.Marshal(doc)
	oldModel := filepath.Join(dir, "old.json")
	os.WriteFile(oldModel, b, 0o644)
	if out, err := squid(t, "predict", "--model", oldModel, "--votes", dev, "--abstain", "-1", "-o", proba); err != nil {
		t.Fatal(out, err)
	}
	if d := testutil.MaxAbsDiff(testutil.ReadFloats(t, proba), want); d > 1e-9 {
		t.Errorf("old model file with --abstain -1: max abs difference %g", d)
	}

	// A model fitted without --abstain records 0 and refuses --abstain -1.
	fs := fitGolden(t, dir)
	if _, err := squid(t, "predict", "--model", fs, "--votes", dev, "--abstain", "-1", "-o", proba); err == nil || !strings.Contains(err.Error(), "where 0 means abstain (FlyingSquid's -1/+1 votes)") {
		t.Errorf("predict --abstain -1 with a FlyingSquid-convention model: %v", err)
	}
}

// k-class votes abstain with -1: an explicit --abstain 0 is an error in
// fit, and against a multiclass model in predict.
func TestMulticlassAbstainZeroIsAnError(t *testing.T) {
	dir := t.TempDir()
	d, err := synth.GenerateMulticlass(synth.MulticlassConfig{N: 3000, K: 3, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	rows := voteRows(d.Votes, d.N, d.M)
	votes := writeCSV(t, dir, "L.csv", rows...)
	model := filepath.Join(dir, "m.json")
	_, err = squid(t, "fit", "--votes", votes, "--classes", "3", "--abstain", "0", "-o", model)
	if err == nil || !strings.Contains(err.Error(), "--abstain 0 with 3 classes") {
		t.Errorf("fit --classes 3 --abstain 0: %v", err)
	}
	if out, err := squid(t, "fit", "--votes", votes, "--classes", "3", "-o", model); err != nil {
		t.Fatal(out, err)
	}
	_, err = squid(t, "predict", "--model", model, "--votes", votes, "--abstain", "0", "-o", filepath.Join(dir, "p.npy"))
	if err == nil || !strings.Contains(err.Error(), "where -1 means abstain (class votes 0..2)") {
		t.Errorf("predict --abstain 0 with a 3-class model: %v", err)
	}
}
