package multiclass

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

func savedMulticlass(t *testing.T) map[string]any {
	t.Helper()
	d, err := synth.GenerateMulticlass(synth.MulticlassConfig{N: 2000, K: 3, LFs: synth.Spread(4, 0.6, 0.9, 0.6, 0.9), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(labelmodel.Spec{M: 4}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(Votes{N: d.N, M: d.M, Data: d.Votes}, Options{}); err != nil {
		t.Fatal(err)
	}
	return testutil.SavedJSON(t, m.Save)
}

// Multiclass documents old Load accepted: a negative class balance,
// accuracies above 1, unknown fields, trailing data.
func TestLoadRejectsBadMulticlassModels(t *testing.T) {
	for name, edit := range map[string]func(d map[string]any){
		"negative balance":   func(d map[string]any) { d["class_balance"] = []float64{-0.5, 1, 0.5} },
		"balance sum":        func(d map[string]any) { d["class_balance"] = []float64{0.5, 0.5, 0.5} },
		"accuracy above 1":   func(d map[string]any) { d["accuracies"].([]any)[0] = 1.5 },
		"accuracy below 1/k": func(d map[string]any) { d["accuracies"].([]any)[0] = 0.1 },
		"unknown field":      func(d map[string]any) { d["temperature"] = 2 },
	} {
		doc := savedMulticlass(t)
		edit(doc)
		b, _ := json.Marshal(doc)
		if _, err := Load(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: Load accepted it", name)
		} else if name != "unknown field" && !errors.Is(err, ErrCorruptModel) {
			t.Errorf("%s: error %v, want ErrCorruptModel", name, err)
		}
	}
	b, _ := json.Marshal(savedMulticlass(t))
	if _, err := Load(bytes.NewReader(append(b, " []"...))); !errors.Is(err, ErrCorruptModel) {
		t.Errorf("trailing data: %v", err)
	}
	if _, err := Load(bytes.NewReader(b)); err != nil {
		t.Errorf("the unedited document: %v", err)
	}
	// A damaged binary model inside is reported through the wrapping.
	doc := savedMulticlass(t)
	doc["models"].([]any)[1].(map[string]any)["rows"] = -1
	b, _ = json.Marshal(doc)
	if _, err := Load(bytes.NewReader(b)); !errors.Is(err, labelmodel.ErrCorruptModel) {
		t.Errorf("damaged class model: %v, want labelmodel.ErrCorruptModel", err)
	}
}

// A failed fit leaves a fitted multiclass model as it was.
func TestFailedMulticlassFitChangesNothing(t *testing.T) {
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 500, K: 3, LFs: synth.Spread(4, 0.6, 0.9, 0.6, 0.9), Seed: 2})
	v := Votes{N: d.N, M: d.M, Data: d.Votes}
	m, _ := New(labelmodel.Spec{M: 4}, 3)
	if err := m.Fit(v, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := m.PredictProba(v)
	for _, opts := range []Options{{Method: "sgd"}, {ClassBalance: []float64{1, 2}}, {DevLabels: []int8{0, 7}}} {
		if err := m.Fit(v, opts); err == nil {
			t.Fatalf("options %+v accepted", opts)
		}
	}
	after, _ := m.PredictProba(v)
	for i, x := range before.RawMatrix().Data {
		if x != after.RawMatrix().Data[i] {
			t.Fatal("a failed fit changed the model")
		}
	}
}
