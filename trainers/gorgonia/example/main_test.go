package main

import (
	"testing"

	"github.com/squid-ws/squid/examples/online/task"
)

// The bar, for every seed: squid's loss trains the MLP to within 2
// points of gold labels and at least 5 points above majority vote. The full
// five seeds take a few seconds; -short runs two.
func TestSquidNearGoldAboveMajority(t *testing.T) { task.CheckSeeds(t, run) }
