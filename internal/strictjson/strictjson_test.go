package strictjson

import (
	"errors"
	"testing"
)

type graph struct {
	M       int      `json:"m"`
	LFEdges [][2]int `json:"lf_edges"`
	Inner   *struct {
		A int `json:"a"`
	} `json:"inner"`
	List []map[string]int `json:"list"`
}

func TestDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		doc, key, path string
		line           int
	}{
		{`{"m": 3, "m": 4}`, "m", "", 1},
		{"{\"m\": 3,\n \"lf_edges\": [[0,1]],\n \"lf_edges\": [[1,2]]}", "lf_edges", "", 3},
		{`{"inner": {"a": 1, "a": 2}}`, "a", "inner", 1},
		{`{"list": [{"x": 1}, {"y": 1, "y": 2}]}`, "y", "list[1]", 1},
		{`{"m": 1, "\u006d": 2}`, "m", "", 1}, // the same key, escaped
	} {
		var g graph
		err := Decode([]byte(tc.doc), &g)
		var dup *DuplicateKeyError
		if !errors.As(err, &dup) {
			t.Errorf("%s: got %v, want a duplicate key error", tc.doc, err)
			continue
		}
		if dup.Key != tc.key || dup.Path != tc.path || dup.Line != tc.line {
			t.Errorf("%s: got key %q path %q line %d, want %q %q %d", tc.doc, dup.Key, dup.Path, dup.Line, tc.key, tc.path, tc.line)
		}
	}
}

func TestDecodeAccepts(t *testing.T) {
	// Equal keys in different objects, and strings equal to keys as values,
	// are not duplicates.
	doc := `{"m": 2, "lf_edges": [[0, 1]], "inner": {"a": 1}, "list": [{"m": 1}, {"m": 2, "a": 3}]}`
	var g graph
	if err := Decode([]byte(doc), &g); err != nil {
		t.Fatal(err)
	}
	if g.M != 2 || len(g.LFEdges) != 1 || g.Inner.A != 1 || len(g.List) != 2 || g.List[1]["a"] != 3 {
		t.Fatalf("decoded %+v", g)
	}
	var strs map[string]string
	if err := Decode([]byte(`{"a": "a", "b": "a"}`), &strs); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeRejects(t *testing.T) {
	var g graph
	if err := Decode([]byte(`{"m": 2, "n": 3}`), &g); err == nil {
		t.Error("unknown field accepted")
	}
	if err := Decode([]byte(`{"m": 2} {}`), &g); !errors.Is(err, ErrTrailingData) {
		t.Errorf("trailing data: got %v", err)
	}
	if err := Decode([]byte(`{"m": 2`), &g); err == nil {
		t.Error("truncated document accepted")
	}
}
