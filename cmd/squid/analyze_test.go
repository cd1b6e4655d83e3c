package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// analyze --model reports the fitted model's accuracies, not those of a
// refit on the rows it analyses.
func TestAnalyzeWithModel(t *testing.T) {
	dir := t.TempDir()
	model := fitGolden(t, dir)
	dev := filepath.Join(golden, "basics", "L_dev.npy")
	estimates := func(args ...string) []float64 {
		out, err := squid(t, append([]string{"analyze", "--votes", dev, "--json"}, args...)...)
		if err != nil {
			t.Fatal(out, err)
		}
		var doc struct {
			LFs []struct {
				EstimatedAccuracy float64 `json:"estimated_accuracy"`
			} `json:"lfs"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(out, err)
		}
		var acc []float64
		for _, lf := range doc.LFs {
			acc = append(acc, lf.EstimatedAccuracy)
		}
		return acc
	}
	out, err := squid(t, "accuracies", "--model", model)
	if err != nil {
		t.Fatal(out, err)
	}
	var fitted struct {
		Given []float64 `json:"accuracies_given_vote"`
	}
	json.Unmarshal([]byte(out), &fitted)
	withModel, refit := estimates("--model", model), estimates()
	same := len(withModel) == len(fitted.Given)
	for i := range fitted.Given {
		same = same && withModel[i] == fitted.Given[i]
	}
	if !same {
		t.Errorf("analyze --model: %v, the model's accuracies are %v", withModel, fitted.Given)
	}
	differ := false
	for i := range refit {
		differ = differ || refit[i] != withModel[i]
	}
	if !differ {
		t.Errorf("the refit on the dev rows gave the model's accuracies exactly (%v): the test shows nothing", refit)
	}
	if _, err := squid(t, "analyze", "--votes", dev, "--model", model, "--graph", "g.json"); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("--model and --graph: %v", err)
	}
}
