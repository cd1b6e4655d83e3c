package main

import (
	"testing"

	"github.com/squid-ws/squid/examples/online/task"
)

// The bar, for every seed: squid's loss trains the MLP to within 2
// points of gold labels and at least 5 points above majority vote (on GoMLX's simplego backend). The full
// five seeds take a few seconds; -short runs two.
func TestSquidNearGoldAboveMajority(t *testing.T) {
	seeds := 5
	if testing.Short() {
		seeds = 2
	}
	acc, err := run(seeds, task.NTrain)
	if err != nil {
		t.Fatal(err)
	}
	for s, a := range acc {
		if a.gold-a.squid > 0.02 || a.squid-a.majority < 0.05 {
			t.Errorf("seed %d: gold %.4f, squid %.4f, majority %.4f: want squid within 0.02 of gold and 0.05 above majority", 2026+s, a.gold, a.squid, a.majority)
		}
	}
}
