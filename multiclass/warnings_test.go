package multiclass

import (
	"bytes"
	"strings"
	"testing"

	"github.com/squid-ws/squid/labelmodel"
)

// impossibleVotes are 3-class votes whose triplet estimate of LF 0's
// accuracy (and, symmetrically, LF 3's) is above 1: LF 0 agrees with LFs
// 1, 2 and 3 on every row they share, while LFs 1 and 2 agree on only half of theirs (their agreement
// rate then says they are far less accurate than LF 0's says they are).
func impossibleVotes() Votes {
	var data []int8
	for r := 0; r < 60; r++ {
		c := int8(r % 3)
		data = append(data,
			c, c, -1, c, // LFs 0, 1, 3
			c, -1, c, c, // LFs 0, 2, 3
			-1, c, c, -1, // 1 and 2 agree
			-1, c, (c+1)%3, -1) // 1 and 2 disagree
	}
	return Votes{N: len(data) / 4, M: 4, Data: data}
}

// TestImpossibleAccuracyWarns: the k-class accuracy estimate above 1 used
// to be clamped to 1 without a word; now Warnings names the LF, and the
// warning survives Save and Load.
func TestImpossibleAccuracyWarns(t *testing.T) {
	m, err := New(labelmodel.Spec{M: 4, LFNames: []string{"kw", "re", "len", "src"}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(impossibleVotes(), Options{}); err != nil {
		t.Fatal(err)
	}
	acc, _ := m.AccuraciesGivenVote()
	if acc[0] != 1 || acc[3] != 1 {
		t.Fatalf("accuracies %v: the data no longer gives LFs 0 and 3 estimates above 1", acc)
	}
	var hit []string
	for _, w := range m.Warnings() {
		if strings.Contains(w, "impossible") && !strings.HasPrefix(w, "class ") {
			hit = append(hit, w)
		}
	}
	if len(hit) != 2 || !strings.Contains(hit[0], `LF 0 "kw"`) || !strings.Contains(hit[1], `LF 3 "src"`) || !strings.Contains(hit[0], "clamped to 1") {
		t.Fatalf("want warnings naming LFs 0 and 3 (symmetric in the data), got %q (all %q)", hit, m.Warnings())
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Warnings(); len(got) == 0 || got[0] != hit[0] {
		t.Errorf("loaded warnings %q, want the fit's first %q", got, hit[0])
	}
}
