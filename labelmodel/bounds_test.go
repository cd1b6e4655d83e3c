package labelmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/synth"
)

// A blob of a few bytes that claims many LFs is rejected before the
// statistics are allocated (old code: m = 65536 asked for 68 GB; m = 2000
// allocated 64 MB before finding the blob truncated).
func TestStatsUnmarshalBoundedByBytes(t *testing.T) {
	blob := []byte(statsMagic + "\x01")
	blob = binaryVarint(blob, 2000)
	blob = binaryVarint(blob, 5)
	var s Stats
	var err error
	if got := testutil.Allocated(func() { err = s.UnmarshalBinary(blob) }); got > 1<<20 {
		t.Errorf("a %d-byte blob allocated %d bytes", len(blob), got)
	}
	if !errors.Is(err, ErrCorruptStats) || !strings.Contains(err.Error(), "2000 LFs need") {
		t.Errorf("error %v, want ErrCorruptStats naming the LFs and the bytes", err)
	}
}

func binaryVarint(b []byte, x int64) []byte {
	ux := uint64(x) << 1
	if x < 0 {
		ux = ^ux
	}
	for ux >= 0x80 {
		b = append(b, byte(ux)|0x80)
		ux >>= 7
	}
	return append(b, byte(ux))
}

// Counts that no set of rows could give are rejected (old code accepted
// them and a fit from them gave a model Load rejects).
func TestStatsUnmarshalRejectsInconsistentCounts(t *testing.T) {
	good := NewStats(4, []int{0, 1, 2})
	if err := good.Add(Votes{N: 3, M: 4, Data: []int8{1, 1, -1, 0, -1, 0, 1, 1, 1, 1, 1, -1}}); err != nil {
		t.Fatal(err)
	}
	tamper := map[string]func(s *Stats){
		"pair above votes":  func(s *Stats) { s.counts.Pairs[0].PP = 3 },
		"votes above rows":  func(s *Stats) { s.counts.Pos[1], s.counts.Neg[1] = 2, 2 },
		"table off pairs":   func(s *Stats) { s.tables[0].counts[0]++; s.tables[0].counts[26]-- },
		"table unsorted":    func(s *Stats) { s.tables[0].lfs = []int{1, 0, 2} },
		"table out of step": func(s *Stats) { s.tables[0].counts[13] += 2 },
	}
	for name, f := range tamper {
		s := good.Clone()
		f(s)
		blob, _ := s.MarshalBinary()
		var back Stats
		if err := back.UnmarshalBinary(blob); !errors.Is(err, ErrCorruptStats) {
			t.Errorf("%s: error %v, want ErrCorruptStats", name, err)
		}
	}
	blob, _ := good.MarshalBinary()
	var back Stats
	if err := back.UnmarshalBinary(blob); err != nil || !back.Equal(good) {
		t.Errorf("round trip: %v", err)
	}
}

// Removing a row that was never added is an error and changes nothing
// (old code made counts negative).
func TestRemoveRowNeverAdded(t *testing.T) {
	s := NewStats(3, []int{0, 1, 2})
	if err := s.AddRow([]int8{1, 1, 1}); err != nil {
		t.Fatal(err)
	}
	before := s.Clone()
	if err := s.RemoveRow([]int8{-1, 1, 1}); err == nil {
		t.Error("RemoveRow of a row never added succeeded")
	}
	if !s.Equal(before) {
		t.Error("a failed RemoveRow changed the statistics")
	}
	if err := s.Add(Votes{N: 2, M: 3, Data: []int8{1, 1, 1, 1, 5, 1}}); err == nil || !s.Equal(before) {
		t.Errorf("Add with a bad vote in its last row: %v; statistics changed: %v", err, !s.Equal(before))
	}
}

// A clique of more LFs than MaxCliqueLFs is a GraphError naming it, at
// once (old code: 8 LFs took minutes and 3 GB).
func TestCliqueLimit(t *testing.T) {
	k := MaxCliqueLFs + 1
	var edges [][2]int
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			edges = append(edges, [2]int{i, j})
		}
	}
	_, err := New(Spec{M: k + 3, LFEdges: edges})
	var ge *GraphError
	if !errors.As(err, &ge) || len(ge.Clique) != k+1 || ge.Clique[0] != "lambda_0" || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("error %v, want a GraphError naming the %d-node clique", err, k+1)
	}
	if _, err := New(Spec{M: MaxLFs + 1}); !errors.As(err, &ge) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("m above MaxLFs: error %v", err)
	}
}

// Building a model for many independent LFs takes memory linear in the
// graph: the old triangulation, clique search and list of clique pairs
// allocated 311 MB for m = 1600 (and ran in cubic time).
func TestNewManyLFsAllocation(t *testing.T) {
	var err error
	got := testutil.Allocated(func() { _, err = New(Spec{M: 1600}) })
	if err != nil {
		t.Fatal(err)
	}
	if got > 32<<20 {
		t.Errorf("New(m = 1600) allocated %d MB", got>>20)
	}
}

// Typed errors a caller branches on.
func TestTypedErrors(t *testing.T) {
	m, _ := New(Spec{M: 3})
	err := m.Fit(Votes{N: 1, M: 4, Data: []int8{1, 1, 1, 1}}, Options{})
	var se *ShapeError
	if !errors.As(err, &se) || se.What != "votes" || se.Got != 4 || se.Want != 3 {
		t.Errorf("width: %v, want a ShapeError", err)
	}
	_, err = NewVotes(2, 3, []int8{1, 0, -1, 1, 2, 0})
	var ve *VoteError
	if !errors.As(err, &ve) || ve.Row != 1 || ve.Col != 1 || ve.Value != 2 {
		t.Errorf("bad vote: %v, want a VoteError at (1, 1)", err)
	}
	_, err = New(Spec{M: 3, LFEdges: [][2]int{{0, 1}}})
	var ge *GraphError
	if !errors.As(err, &ge) || len(ge.Clique) == 0 {
		t.Errorf("no triplet: %v, want a GraphError naming the clique", err)
	}
	_, err = Load(strings.NewReader(`{"format": "squid-labelmodel", "version": 1, "spec": {"m": 3`))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated model: %v, want it to wrap io.ErrUnexpectedEOF", err)
	}
}

// With ExactSeparators, a separator marginal with a zero entry made every
// row with that vote pattern NaN (+Inf from dividing by zero met the
// clique's -Inf); now the pattern is impossible, the output finite, and a
// warning says so.
func TestExactSeparatorsZeroMarginalNeverNaN(t *testing.T) {
	// Found by a search over small inputs: LF 1 votes -1 on no row, so its
	// separator marginal has zero entries.
	v := Votes{N: 4, M: 5, Data: []int8{0, 1, -1, 1, 0, 1, 0, 0, 0, 0, 1, 0, -1, -1, 1, 0, -1, 1, 0, -1}}
	m, err := New(Spec{M: 5, LFEdges: [][2]int{{0, 1}, {1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(v, Options{ExactSeparators: true}); err != nil {
		t.Fatal(err)
	}
	p, err := m.PredictProba(v)
	if err != nil {
		t.Fatal(err)
	}
	noNaN(t, "proba on the fitted rows", p.RawMatrix().Data)
	rows := Votes{N: 3, M: 5, Data: []int8{1, -1, 1, 1, 1, -1, -1, -1, 0, 0, 0, -1, 0, 1, 1}}
	p, err = m.PredictProba(rows)
	if err != nil {
		t.Fatal(err)
	}
	noNaN(t, "proba", p.RawMatrix().Data)
	if w := strings.Join(m.Warnings(), "\n"); !strings.Contains(w, "zero entries") {
		t.Errorf("warnings %q should name the zero separator marginal", w)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := back.PredictProba(rows)
	noNaN(t, "loaded proba", q.RawMatrix().Data)
}

// savedDoc fits a small model and returns its saved document, decoded.
func savedDoc(t *testing.T) map[string]any {
	t.Helper()
	m, _ := fitSynth(t, Spec{M: 4}, synth.Config{N: 500, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 2}, Options{})
	return testutil.SavedJSON(t, m.Save)
}

// Documents Load accepted though they give NaN or nonsense, and a large
// declared m that made Load build the model before finding the document
// short.
func TestLoadRejectsWhatWouldMislead(t *testing.T) {
	edits := map[string]func(d map[string]any){
		"all-zero marginals": func(d map[string]any) {
			for _, mg := range d["marginals"].([]any) {
				vals := mg.(map[string]any)["values"].([]any)
				for k := range vals {
					vals[k] = 0.0
				}
			}
		},
		"unknown method":      func(d map[string]any) { d["options"].(map[string]any)["method"] = "sgd" },
		"unknown negative":    func(d map[string]any) { d["options"].(map[string]any)["negative"] = "zero" },
		"negative rows":       func(d map[string]any) { d["rows"] = -5 },
		"balance sum":         func(d map[string]any) { d["class_balance"] = []float64{0.2, 0.2} },
		"extra marginal":      func(d map[string]any) { d["marginals"] = append(d["marginals"].([]any), d["marginals"].([]any)[0]) },
		"expectation LF":      func(d map[string]any) { d["expectations"].([]any)[0].(map[string]any)["lfs"] = []int{9} },
		"huge m, short array": func(d map[string]any) { d["spec"].(map[string]any)["m"] = MaxLFs },
	}
	for name, edit := range edits {
		doc := savedDoc(t)
		delete(doc, "checksum") // each check itself, not the checksum
		edit(doc)
		b, _ := json.Marshal(doc)
		var err error
		got := testutil.Allocated(func() { _, err = Load(bytes.NewReader(b)) })
		if !errors.Is(err, ErrCorruptModel) {
			t.Errorf("%s: error %v, want ErrCorruptModel", name, err)
		}
		if got > 4<<20 {
			t.Errorf("%s: Load allocated %d bytes before failing", name, got)
		}
	}
	b, _ := json.Marshal(savedDoc(t))
	if _, err := Load(bytes.NewReader(append(b, []byte(`{"x": 1}`)...))); !errors.Is(err, ErrCorruptModel) {
		t.Errorf("trailing data: error %v", err)
	}
	if _, err := Load(bytes.NewReader(b)); err != nil {
		t.Errorf("the unedited document: %v", err)
	}
}

// A class balance whose sum overflows is normalised correctly (old code
// returned zeros, then NaN).
func TestClassBalanceOverflow(t *testing.T) {
	cb, err := NormalizeClassBalance([]float64{1e308, 1e308}, 2, "2^v")
	if err != nil || cb[0] != 0.5 || cb[1] != 0.5 {
		t.Errorf("got %v, %v; want [0.5 0.5]", cb, err)
	}
	if _, err := NormalizeClassBalance([]float64{-1, 2}, 2, "2^v"); err == nil {
		t.Error("a negative entry was accepted")
	}
}

// Warnings for a task no LF votes on and for LFs that are copies.
func TestGraphAndCopyWarnings(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 400, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 5})
	for r := 0; r < d.N; r++ {
		d.Votes[r*4+3] = d.Votes[r*4+2]
	}
	m, err := New(Spec{M: 4, V: 2, LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {3, 0}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(mustVotes(t, d), Options{}); err != nil {
		t.Fatal(err)
	}
	w := strings.Join(m.Warnings(), "\n")
	if !strings.Contains(w, "task Y_1 has no LF") || !strings.Contains(w, "LFs 2 and 3 vote identically") {
		t.Errorf("warnings %q should name task Y_1 and the copied LFs", w)
	}
	p, _ := m.PredictProba(mustVotes(t, d))
	noNaN(t, "proba", p.RawMatrix().Data)
}

// A failed Fit on a fitted model leaves it unchanged.
func TestFailedFitChangesNothing(t *testing.T) {
	m, d := fitSynth(t, Spec{M: 4}, synth.Config{N: 300, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 6}, Options{})
	v := mustVotes(t, d)
	before, _ := m.PredictProba(v)
	for _, opts := range []Options{{Method: "sgd"}, {ClassBalance: []float64{1}}, {Negative: "x"}} {
		if err := m.Fit(v, opts); err == nil {
			t.Fatalf("options %+v accepted", opts)
		}
	}
	if err := m.Fit(Votes{N: 1, M: 4, Data: []int8{1, 1, 3, 1}}, Options{}); err == nil {
		t.Fatal("bad vote accepted")
	}
	after, _ := m.PredictProba(v)
	for i, x := range before.RawMatrix().Data {
		if math.Float64bits(x) != math.Float64bits(after.RawMatrix().Data[i]) {
			t.Fatal("a failed Fit changed the model")
		}
	}
}
