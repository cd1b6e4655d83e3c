package labelmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

func loadEdited(t *testing.T, doc map[string]any) (*Model, error) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return Load(bytes.NewReader(b))
}

// TestLoadChecksum: an edited marginal used to change predictions while
// the accuracies stayed as they were; the checksum Save writes now makes
// Load refuse it, and deleting the checksum keeps a deliberate edit.
func TestLoadChecksum(t *testing.T) {
	doc := savedDoc(t)
	if c, _ := doc["checksum"].(string); !strings.HasPrefix(c, checksumPrefix) {
		t.Fatalf("Save wrote checksum %q", doc["checksum"])
	}
	vals := doc["marginals"].([]any)[0].(map[string]any)["values"].([]any)
	vals[0], vals[1] = vals[1], vals[0] // still a distribution
	_, err := loadEdited(t, doc)
	if !errors.Is(err, ErrCorruptModel) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("edited marginal: error %v, want a checksum mismatch", err)
	}
	doc["warnings"] = []string{"edited warnings do not matter"}
	delete(doc, "checksum")
	if _, err := loadEdited(t, doc); err != nil {
		t.Fatalf("the edit without a checksum: %v", err)
	}
	doc = savedDoc(t)
	doc["checksum"] = "md5:00"
	if _, err := loadEdited(t, doc); !errors.Is(err, ErrCorruptModel) {
		t.Errorf("malformed checksum: error %v", err)
	}
}

// TestLoadChecksNumbersWithoutChecksum: a document without a checksum
// (older files) still has its expectations checked against the abstain
// rates; a probability of 7 used to load and print as an accuracy of 7.
func TestLoadChecksNumbersWithoutChecksum(t *testing.T) {
	exp0 := func(d map[string]any) map[string]any { return d["expectations"].([]any)[0].(map[string]any) }
	edits := map[string]func(d map[string]any){
		"probability 7":       func(d map[string]any) { exp0(d)["probability"] = 7.0 },
		"probability nudged":  func(d map[string]any) { exp0(d)["probability"] = exp0(d)["probability"].(float64) + 0.01 },
		"value edited":        func(d map[string]any) { exp0(d)["value"] = exp0(d)["value"].(float64) / 2 },
		"negative value":      func(d map[string]any) { exp0(d)["value"] = -0.5 },
		"abstain not a count": func(d map[string]any) { d["abstain_rates"].([]any)[1] = d["abstain_rates"].([]any)[1].(float64) + 1e-4 },
	}
	for name, edit := range edits {
		doc := savedDoc(t)
		delete(doc, "checksum")
		edit(doc)
		if _, err := loadEdited(t, doc); !errors.Is(err, ErrCorruptModel) {
			t.Errorf("%s: error %v, want ErrCorruptModel", name, err)
		}
	}
}

// TestLoadErrorSaysLabelmodelOnce: errors used to read "labelmodel:
// corrupted model: labelmodel: unknown solve method"; errors.As still
// finds a GraphError inside.
func TestLoadErrorSaysLabelmodelOnce(t *testing.T) {
	doc := savedDoc(t)
	doc["options"].(map[string]any)["method"] = "sgd"
	_, err := loadEdited(t, doc)
	if err == nil || strings.Count(err.Error(), "labelmodel:") != 1 || !strings.Contains(err.Error(), "sgd") {
		t.Errorf("unknown method: error %q, want one \"labelmodel:\" prefix", err)
	}
	doc = savedDoc(t)
	doc["spec"].(map[string]any)["lf_edges"] = [][2]int{{0, 0}}
	_, err = loadEdited(t, doc)
	var ge *GraphError
	if !errors.As(err, &ge) || !errors.Is(err, ErrCorruptModel) || strings.Count(err.Error(), "labelmodel:") != 1 {
		t.Errorf("bad graph: error %q, want a GraphError wrapped once", err)
	}
}

// TestLoadRederivesImpossibleWarning: a model whose saved warnings were
// lost (an older file, or edited) still warns about its impossible
// estimate once loaded.
func TestLoadRederivesImpossibleWarning(t *testing.T) {
	m := fitReviewExample(t)
	doc := testutil.SavedJSON(t, m.Save)
	delete(doc, "warnings")
	loaded, err := loadEdited(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded.Warnings(), m.Warnings()) {
		t.Errorf("loaded warnings %q, the fit's %q", loaded.Warnings(), m.Warnings())
	}
}

// TestLoadRejectsDuplicateKeys: encoding/json keeps the last of two equal
// keys, so a hand-edited model with "rows" (or a marginal's "values")
// given twice used to load one of them silently.
func TestLoadRejectsDuplicateKeys(t *testing.T) {
	b, err := json.Marshal(savedDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bytes.NewReader(b)); err != nil {
		t.Fatalf("the document as saved: %v", err)
	}
	for _, edit := range []struct{ old, new string }{
		{`{`, `{"rows":7,`},
		{`"values":[`, `"values":[0.5,0.5],"values":[`},
	} {
		doc := strings.Replace(string(b), edit.old, edit.new, 1)
		_, err := Load(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Errorf("%s: error %v, want a key given twice", edit.new, err)
		}
	}
}
