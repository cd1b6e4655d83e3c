package task

import "testing"

// CheckSeeds runs a trainer over 5 seeds (2 with -short) and fails t for
// every seed where squid's labels miss the bar (Accuracies.Check): the
// test each trainer example shares.
func CheckSeeds(t testing.TB, run func(seeds, nTrain int) ([]Accuracies, error)) {
	t.Helper()
	seeds := 5
	if testing.Short() {
		seeds = 2
	}
	acc, err := run(seeds, NTrain)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acc {
		if err := a.Check(); err != nil {
			t.Error(err)
		}
	}
}
