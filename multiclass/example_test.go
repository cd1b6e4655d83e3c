package multiclass_test

import (
	"fmt"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
	"github.com/squid-ws/squid/synth"
)

// A three-class label model over five labeling functions.
func Example() {
	truth := synth.Spread(5, 0.6, 0.9, 0.6, 0.9)
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 100000, K: 3, LFs: truth, Seed: 1})
	model, err := multiclass.New(labelmodel.Spec{M: 5}, 3)
	if err != nil {
		panic(err)
	}
	if err := model.Fit(multiclass.Votes{N: d.N, M: 5, Data: d.Votes}, multiclass.Options{}); err != nil {
		panic(err)
	}
	acc, _ := model.AccuraciesGivenVote()
	for i, a := range acc {
		fmt.Printf("LF %d: estimated %.2f, true %.2f\n", i, a, truth[i].Accuracy)
	}
	// Output:
	// LF 0: estimated 0.60, true 0.60
	// LF 1: estimated 0.68, true 0.68
	// LF 2: estimated 0.75, true 0.75
	// LF 3: estimated 0.82, true 0.82
	// LF 4: estimated 0.90, true 0.90
}
