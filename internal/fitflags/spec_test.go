package fitflags

import (
	"strings"
	"testing"
)

// TestParseSpecStrict: a graph file whose "lf_edges" appeared twice used
// to keep only the second list, losing the first edges silently.
func TestParseSpecStrict(t *testing.T) {
	spec, err := ParseSpec([]byte(`{"m": 4, "lf_edges": [[0, 1]]}`))
	if err != nil || spec.M != 4 || len(spec.LFEdges) != 1 {
		t.Fatalf("valid graph: %+v %v", spec, err)
	}
	for doc, want := range map[string]string{
		"{\"m\": 4,\n\"lf_edges\": [[0, 1]],\n\"lf_edges\": [[2, 3]]}": `line 3: key "lf_edges" given twice`,
		`{"m": 4, "m": 5}`:     `key "m" given twice`,
		`{"m": 4} {"m": 5}`:    "data after",
		`{"m": 4, "edges": 1}`: "unknown field",
	} {
		if _, err := ParseSpec([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", doc, err, want)
		}
	}
}
