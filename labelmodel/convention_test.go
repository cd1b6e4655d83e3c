package labelmodel

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/squid-ws/squid/synth"
)

// The recorded vote convention survives Save and Load; a model without
// one loads unrecorded, and a value other than 0 or -1 is corrupt.
func TestVoteAbstainRoundTrip(t *testing.T) {
	d, err := synth.Generate(synth.Config{N: 500, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := New(Spec{M: 4})
	if err := m.Fit(Votes{N: d.N, M: d.M, Data: d.Votes}, Options{}); err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	m.Save(&plain)
	if strings.Contains(plain.String(), "vote_abstain") {
		t.Error("a model never told its convention writes one")
	}
	l, err := Load(bytes.NewReader(plain.Bytes()))
	if a, rec := l.VoteAbstain(); err != nil || rec || a != 0 {
		t.Errorf("unrecorded model: %d %v %v", a, rec, err)
	}
	if err := m.SetVoteAbstain(1); err == nil {
		t.Error("SetVoteAbstain(1) accepted")
	}
	m.SetVoteAbstain(-1)
	var rec bytes.Buffer
	m.Save(&rec)
	l, err = Load(bytes.NewReader(rec.Bytes()))
	if a, ok := l.VoteAbstain(); err != nil || !ok || a != -1 {
		t.Errorf("recorded -1: %d %v %v", a, ok, err)
	}
	bad := strings.Replace(rec.String(), `"vote_abstain": -1`, `"vote_abstain": 3`, 1)
	if _, err := Load(strings.NewReader(bad)); !errors.Is(err, ErrCorruptModel) || !strings.Contains(err.Error(), "vote_abstain = 3") {
		t.Errorf("vote_abstain 3: %v", err)
	}
}
