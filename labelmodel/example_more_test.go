package labelmodel_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// A fitted model saves to JSON and loads back predicting the same.
func ExampleModel_Save() {
	data, _ := synth.Generate(synth.Config{N: 5000, LFs: synth.Spread(4, 0.7, 0.9, 0.6, 0.9), Seed: 4})
	votes, _ := labelmodel.NewVotes(data.N, data.M, data.Votes)
	model, _ := labelmodel.New(labelmodel.Spec{M: 4, LFNames: []string{"kw", "regex", "len", "src"}})
	if err := model.Fit(votes, labelmodel.Options{}); err != nil {
		panic(err)
	}
	var file bytes.Buffer // an *os.File in a program
	if err := model.Save(&file); err != nil {
		panic(err)
	}
	loaded, err := labelmodel.Load(&file)
	if err != nil {
		panic(err)
	}
	row := labelmodel.Votes{N: 1, M: 4, Data: []int8{1, 1, 0, -1}}
	a, _ := model.PredictProbaMarginal(row)
	b, _ := loaded.PredictProbaMarginal(row)
	fmt.Println(loaded.Spec().LFNames, a.At(0, 0) == b.At(0, 0))
	// Output: [kw regex len src] true
}

// A sequence model: three frames Y_0 - Y_1 - Y_2 (a chain of task edges),
// four LFs voting on each frame.
func Example_sequence() {
	var lfs []synth.LF
	var edges [][2]int
	for t := range 3 {
		for range 4 {
			edges = append(edges, [2]int{len(lfs), t})
			lfs = append(lfs, synth.LF{Coverage: 0.8, Accuracy: 0.8, Task: t})
		}
	}
	data, _ := synth.Generate(synth.Config{N: 50000, LFs: lfs, V: 3, Stay: 0.8, Seed: 1})
	spec := labelmodel.Spec{M: 12, V: 3, TaskEdges: [][2]int{{0, 1}, {1, 2}}, LFTaskEdges: edges}
	model, err := labelmodel.New(spec)
	if err != nil {
		panic(err)
	}
	votes, _ := labelmodel.NewVotes(data.N, data.M, data.Votes)
	if err := model.Fit(votes, labelmodel.Options{}); err != nil {
		panic(err)
	}
	acc, _ := model.AccuraciesGivenVote()
	fmt.Printf("LF 0 (frame 0) %.2f, LF 11 (frame 2) %.2f\n", acc[0], acc[11])
	marg, _ := model.PredictProbaMarginal(labelmodel.Votes{N: 1, M: 12, Data: []int8{1, 1, 1, 1, 0, 0, 0, 0, -1, -1, -1, -1}})
	fmt.Printf("P(Y_t = +1): %.2f %.2f %.2f\n", marg.At(0, 0), marg.At(0, 1), marg.At(0, 2))
	// Output:
	// LF 0 (frame 0) 0.80, LF 11 (frame 2) 0.80
	// P(Y_t = +1): 1.00 0.50 0.00
}

// Score hard labels against gold labels, beside majority vote: is the
// label model worth it here?
func ExampleScore() {
	lfs := []synth.LF{{Coverage: 0.9, Accuracy: 0.9}, {Coverage: 0.9, Accuracy: 0.6}, {Coverage: 0.9, Accuracy: 0.6}, {Coverage: 0.5, Accuracy: 0.55}}
	data, _ := synth.Generate(synth.Config{N: 20000, LFs: lfs, Seed: 9})
	votes, _ := labelmodel.NewVotes(data.N, data.M, data.Votes)
	model, _ := labelmodel.New(labelmodel.Spec{M: 4})
	if err := model.Fit(votes, labelmodel.Options{}); err != nil {
		panic(err)
	}
	ties, _ := labelmodel.NewLabeler(labelmodel.TieAbstain, 0)
	labels, _ := model.PredictLabels(votes, ties)
	lm, _ := labelmodel.Score(labels, data.Y, 2)
	mv, _ := labelmodel.Score(labelmodel.MajorityVoteLabels(votes, ties), data.Y, 2)
	fmt.Printf("label model:   accuracy %.2f, coverage %.2f\n", lm.Accuracy, lm.Coverage)
	fmt.Printf("majority vote: accuracy %.2f, coverage %.2f\n", mv.Accuracy, mv.Coverage)
	// Output:
	// label model:   accuracy 0.87, coverage 1.00
	// majority vote: accuracy 0.80, coverage 0.83
}

// The README's API snippet, compiled here (TestREADMESnippet checks the
// README shows exactly the lines between the markers).
func Example_readme() {
	d, _ := synth.Generate(synth.Config{N: 1000, LFs: synth.Spread(5, 0.7, 0.9, 0.6, 0.9), Seed: 1})
	n, w, data := d.N, &bytes.Buffer{}, d.Votes
	// README begin
	model, err := labelmodel.New(labelmodel.Spec{M: 5}) // 5 LFs on one task
	votes, err := labelmodel.NewVotes(n, 5, data)       // []int8, row-major
	err = model.Fit(votes, labelmodel.Options{Method: labelmodel.TripletMean})
	probs, err := model.PredictProbaMarginal(votes) // *mat.Dense, n x v
	acc, err := model.AccuraciesGivenVote()         // P(λ_i = Y | λ_i votes)
	err = model.Save(w)                             // versioned JSON; labelmodel.Load(r)
	// README end
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Println(probs.RawMatrix().Rows, len(acc))
	// Output: 1000 5
}
