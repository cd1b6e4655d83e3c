package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The tutorial's claims hold for every seed: the weakly supervised model
// lands within 2 points of the gold-label model and at least 5 points above
// majority vote, and the plot is written. -short runs two seeds.
func TestTutorialClaims(t *testing.T) {
	seeds := 5
	if testing.Short() {
		seeds = 2
	}
	png := filepath.Join(t.TempDir(), "acc.png")
	acc, err := run(png, seeds)
	if err != nil {
		t.Fatal(err)
	}
	for s := range seeds {
		gold, fs, mv := acc[names[0]][s], acc[names[1]][s], acc[names[2]][s]
		if gold-fs > 0.02 || fs-mv < 0.05 {
			t.Errorf("seed %d: gold %.4f, FlyingSquid %.4f, majority vote %.4f: want FlyingSquid within 0.02 of gold and 0.05 above majority vote", 2026+s, gold, fs, mv)
		}
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("plot not written: %v", err)
	}
}
