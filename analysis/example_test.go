package analysis_test

import (
	"os"

	"github.com/squid-ws/squid/analysis"
)

// Summarise three LFs over four rows with gold labels: coverage, overlap,
// conflict and empirical accuracy per LF, as Snorkel's LFAnalysis.
func Example() {
	votes := []int8{
		1, 1, 0,
		1, -1, 0,
		0, 0, -1,
		-1, -1, 1,
	}
	gold := []int8{1, 1, -1, -1}
	s := analysis.New(3, 0)
	if err := s.Add(votes, gold); err != nil {
		panic(err)
	}
	s.SetNames([]string{"kw", "regex", "len"})
	analysis.WriteTable(os.Stdout, s.LFs(nil))
	// Output:
	// LF   name  polarity  coverage  overlap  conflict  empirical acc  gold votes  estimated acc
	//    0     kw   [-1,+1]     0.750    0.750     0.500          1.000           3              -
	//    1  regex   [-1,+1]     0.750    0.750     0.500          0.667           3              -
	//    2    len   [-1,+1]     0.500    0.250     0.250          0.500           2              -
}
