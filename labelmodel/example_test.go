package labelmodel_test

import (
	"errors"
	"fmt"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// Fit a label model on the votes of five labeling functions and turn the
// votes into probabilistic labels.
func Example() {
	truth := []synth.LF{
		{Coverage: 0.9, Accuracy: 0.85}, {Coverage: 0.6, Accuracy: 0.75}, {Coverage: 0.8, Accuracy: 0.7},
		{Coverage: 0.5, Accuracy: 0.9}, {Coverage: 0.7, Accuracy: 0.65},
	}
	data, _ := synth.Generate(synth.Config{N: 100000, LFs: truth, Seed: 1})
	votes, err := labelmodel.NewVotes(data.N, data.M, data.Votes)
	if err != nil {
		panic(err)
	}

	model, err := labelmodel.New(labelmodel.Spec{M: 5})
	if err != nil {
		panic(err)
	}
	if err := model.Fit(votes, labelmodel.Options{Method: labelmodel.TripletMean}); err != nil {
		panic(err)
	}
	acc, _ := model.AccuraciesGivenVote()
	for i, a := range acc {
		fmt.Printf("LF %d: estimated %.2f, true %.2f\n", i, a, truth[i].Accuracy)
	}
	probs, _ := model.PredictProbaMarginal(labelmodel.Votes{N: 2, M: 5, Data: []int8{1, 1, 0, 1, -1, -1, 0, -1, 0, 0}})
	fmt.Printf("P(Y=+1) = %.3f, %.3f\n", probs.At(0, 0), probs.At(1, 0))
	// Output:
	// LF 0: estimated 0.85, true 0.85
	// LF 1: estimated 0.75, true 0.75
	// LF 2: estimated 0.70, true 0.70
	// LF 3: estimated 0.90, true 0.90
	// LF 4: estimated 0.65, true 0.65
	// P(Y=+1) = 0.988, 0.070
}

// Statistics add up over chunks, so a fit never needs all rows at once.
func ExampleStats() {
	data, _ := synth.Generate(synth.Config{N: 10000, LFs: synth.Spread(4, 0.7, 0.9, 0.5, 0.9), Seed: 2})
	model, _ := labelmodel.New(labelmodel.Spec{M: 4})
	stats := model.NewStats()
	for start := 0; start < data.N; start += 4096 {
		end := min(start+4096, data.N)
		chunk := labelmodel.Votes{N: end - start, M: 4, Data: data.Votes[start*4 : end*4]}
		if err := stats.Add(chunk); err != nil {
			panic(err)
		}
	}
	if err := model.FitStats(stats, labelmodel.Options{}); err != nil {
		panic(err)
	}
	fmt.Println(stats.N(), "rows fitted")
	// Output: 10000 rows fitted
}

// A program branches on the typed errors: a graph the model cannot fit
// names its clique, votes of the wrong width report both sizes.
func ExampleGraphError() {
	_, err := labelmodel.New(labelmodel.Spec{M: 3, LFEdges: [][2]int{{0, 1}}})
	var ge *labelmodel.GraphError
	if errors.As(err, &ge) {
		fmt.Println("clique:", ge.Clique)
	}
	m, _ := labelmodel.New(labelmodel.Spec{M: 3})
	err = m.Fit(labelmodel.Votes{N: 1, M: 4, Data: []int8{1, 1, -1, 0}}, labelmodel.Options{})
	var se *labelmodel.ShapeError
	if errors.As(err, &se) {
		fmt.Println(se.What, "have", se.Got, "columns, want", se.Want)
	}
	// Output:
	// clique: [lambda_0 lambda_1 Y_0]
	// votes have 4 columns, want 3
}
