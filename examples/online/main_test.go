package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The tutorial's claims hold: the weakly supervised model lands within a
// few points of the gold-label model and above majority vote, and the plot
// is written.
func TestTutorialClaims(t *testing.T) {
	png := filepath.Join(t.TempDir(), "acc.png")
	acc, err := run(png)
	if err != nil {
		t.Fatal(err)
	}
	gold, fs, mv := acc["gold labels"], acc["FlyingSquid loss"], acc["majority vote"]
	if gold-fs > 0.03 || fs <= mv {
		t.Errorf("gold %.4f, FlyingSquid %.4f, majority vote %.4f: want FlyingSquid within 0.03 of gold and above majority vote", gold, fs, mv)
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("plot not written: %v", err)
	}
}
