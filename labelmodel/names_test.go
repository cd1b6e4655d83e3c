package labelmodel

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Warnings are sentences naming the LFs (by the graph's names when it
// has them), never FlyingSquid's Python key tuples; names and "v": 1 are
// saved with the model.
func TestWarningsNameLFs(t *testing.T) {
	never := []int8{1, 1, 0, -1, -1, 0, 1, -1, 0, -1, 1, 0}
	copies := []int8{1, 1, -1, 0, -1, -1, 1, 0, 1, 1, 1, 1, -1, -1, 0, 1}
	for _, c := range []struct {
		spec Spec
		data []int8
		want []string
	}{
		{Spec{M: 3}, never, []string{"LF 2 never votes", "estimating the accuracy of LF 0 on Y_0"}},
		{Spec{M: 3, LFNames: []string{"a", "b", "kw"}}, never, []string{`LF 2 "kw" never votes`, `the accuracy of LF 0 "a" on Y_0`}},
		{Spec{M: 4, LFNames: []string{"x", "y", "z", "w"}}, copies, []string{`LFs 0 "x" and 1 "y" vote identically`}},
	} {
		m, err := New(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Fit(Votes{N: len(c.data) / c.spec.M, M: c.spec.M, Data: c.data}, Options{}); err != nil {
			t.Fatal(err)
		}
		w := strings.Join(m.Warnings(), "\n")
		for _, want := range c.want {
			if !strings.Contains(w, want) {
				t.Errorf("warnings %q lack %q", w, want)
			}
		}
		if strings.Contains(w, "lambda_") || strings.Contains(w, "('") {
			t.Errorf("warnings in FlyingSquid's key tuples: %q", w)
		}
		var saved bytes.Buffer
		if err := m.Save(&saved); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(saved.String(), `"v": 1,`) && !strings.Contains(saved.String(), "\"v\": 1\n") {
			t.Errorf("saved spec without \"v\": 1:\n%.200s", saved.String())
		}
		back, err := Load(&saved)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Spec().LFNames; strings.Join(got, ",") != strings.Join(c.spec.LFNames, ",") {
			t.Errorf("names after Save/Load: %q, want %q", got, c.spec.LFNames)
		}
	}
}

func TestBadLFNames(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  string
	}{
		{[]string{"a", "b"}, "lf_names has 2 names for m = 3"},
		{[]string{"a", " ", "c"}, "lf_names[1] is empty"},
		{[]string{"a", "b", "a"}, `lf_names[0] and lf_names[2] are both "a"`},
		{[]string{"a", "b\nc", "d"}, `lf_names[1] = "b\nc" has a control character (U+000A) at byte 1`},
		{[]string{"a\tx", "b", "d"}, "lf_names[0] = \"a\\tx\" has a control character (U+0009)"},
		{[]string{"a", "b", "\u0085c"}, "lf_names[2]"},
		{[]string{"a", "b", "\xffc"}, "not valid UTF-8"},
	} {
		if _, err := New(Spec{M: 3, LFNames: c.names}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("names %q: %v, want %q", c.names, err, c.want)
		}
	}
}

// TestDuplicateEdges: a repeated edge, or the same undirected edge both
// ways round, used to be accepted; it is most likely a typo for another
// edge, so it is an error naming both entries.
func TestDuplicateEdges(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{M: 3, V: 2, TaskEdges: [][2]int{{0, 1}, {1, 0}}, LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 1}}},
			"task_edges[1] = (1, 0) repeats task_edges[0] = (0, 1)"},
		{Spec{M: 4, LFEdges: [][2]int{{0, 1}, {0, 1}}}, "lf_edges[1] = (0, 1) repeats lf_edges[0]"},
		{Spec{M: 4, LFEdges: [][2]int{{2, 3}, {0, 1}, {3, 2}}}, "lf_edges[2] = (3, 2) repeats lf_edges[0] = (2, 3)"},
		{Spec{M: 3, LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {1, 0}}}, "lf_task_edges[3] = (1, 0) repeats lf_task_edges[1]"},
	} {
		_, err := New(c.spec)
		var ge *GraphError
		if !errors.As(err, &ge) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want a GraphError containing %q", c.spec, err, c.want)
		}
	}
	if _, err := New(Spec{M: 4, V: 2, TaskEdges: [][2]int{{0, 1}}, LFEdges: [][2]int{{0, 1}, {1, 2}},
		LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {3, 1}, {0, 1}}}); err != nil && strings.Contains(err.Error(), "repeats") {
		t.Errorf("distinct edges reported as repeated: %v", err)
	}
}
