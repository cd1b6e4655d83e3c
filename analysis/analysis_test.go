package analysis

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSummaryByHand(t *testing.T) {
	// 4 rows x 3 LFs.
	votes := []int8{
		1, 1, 0, // overlap, no conflict
		1, -1, 0, // conflict for LF 0 and 1
		0, 0, -1, // LF 2 alone
		-1, -1, 1, // everyone overlaps; all conflict
	}
	gold := []int8{1, 1, -1, -1}
	s := New(3, 0)
	if err := s.Add(votes[:6], gold[:2]); err != nil { // two chunks
		t.Fatal(err)
	}
	if err := s.Add(votes[6:], gold[2:]); err != nil {
		t.Fatal(err)
	}
	lfs := s.LFs([]float64{0.9, 0.8, 0.7})
	want := []struct {
		cov, over, conf, acc float64
		pol                  []int
	}{
		{0.75, 0.75, 0.5, 1, []int{-1, 1}},
		{0.75, 0.75, 0.5, 2.0 / 3, []int{-1, 1}},
		{0.5, 0.25, 0.25, 0.5, []int{-1, 1}},
	}
	for i, w := range want {
		lf := lfs[i]
		if lf.Coverage != w.cov || lf.Overlap != w.over || lf.Conflict != w.conf || math.Abs(*lf.EmpiricalAccuracy-w.acc) > 1e-12 || !slices.Equal(lf.Polarity, w.pol) {
			t.Errorf("LF %d: %+v, want %+v", i, lf, w)
		}
	}
	var b bytes.Buffer
	if err := WriteTable(&b, lfs); err != nil || !strings.Contains(b.String(), "conflict") {
		t.Fatalf("table: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := WriteJSON(&b, s.Rows(), lfs); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows int64
		LFs  []LF
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc.Rows != 4 || *doc.LFs[1].EstimatedAccuracy != 0.8 {
		t.Errorf("json: %v %+v", err, doc)
	}
	if err := s.Add([]int8{1, 1}, nil); err == nil {
		t.Error("a partial row was accepted")
	}
}

// Class votes print their polarity as class ids, binary votes as -1/+1;
// named LFs get a name column.
func TestTablePolarityAndNames(t *testing.T) {
	multi := New(2, -1)
	multi.Add([]int8{0, 2, 1, -1, 2, 0}, nil)
	multi.SetNames([]string{"kw", "regex"})
	var b strings.Builder
	if err := WriteTable(&b, multi.LFs(nil)); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.Contains(s, "[0,1,2]") || strings.Contains(s, "+") || !strings.Contains(s, "regex") || !strings.Contains(s, "name") {
		t.Errorf("class votes table:\n%s", s)
	}
	bin := New(2, 0)
	bin.Add([]int8{1, -1, -1, 0}, nil)
	b.Reset()
	WriteTable(&b, bin.LFs(nil))
	if s := b.String(); !strings.Contains(s, "[-1,+1]") || strings.Contains(s, "name") {
		t.Errorf("binary table:\n%s", s)
	}
}
