package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/squid-ws/squid/bench"
	"github.com/squid-ws/squid/internal/progress"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// demoLFs are labeling functions of mixed quality: two good ones, noisy
// ones, and ones that abstain most of the time.
var demoLFs = []synth.LF{
	{Coverage: 0.9, Accuracy: 0.85}, {Coverage: 0.8, Accuracy: 0.8}, {Coverage: 0.95, Accuracy: 0.6},
	{Coverage: 0.9, Accuracy: 0.58}, {Coverage: 0.2, Accuracy: 0.95}, {Coverage: 0.3, Accuracy: 0.9},
	{Coverage: 0.85, Accuracy: 0.55},
}

func cmdDemo(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	n := fs.Int("n", 20000, "rows to generate")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	data, err := synth.Generate(synth.Config{N: *n, LFs: demoLFs, PPositive: 0.5, Seed: *seed})
	if err != nil {
		return err
	}
	votes, err := labelmodel.NewVotes(data.N, data.M, data.Votes)
	if err != nil {
		return err
	}
	model, err := labelmodel.New(labelmodel.Spec{M: data.M})
	if err != nil {
		return err
	}
	if err := model.Fit(votes, labelmodel.Options{}); err != nil {
		return err
	}
	est, _ := model.AccuraciesGivenVote()
	fmt.Fprintf(stdout, "Synthetic task: %d rows, %d labeling functions, no gold labels used in the fit.\n\n", data.N, data.M)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "LF\tcoverage\ttrue accuracy\testimated\t")
	for i, lf := range demoLFs {
		fmt.Fprintf(tw, "%d\t%.2f\t%.3f\t%.3f\t\n", i, lf.Coverage, lf.Accuracy, est[i])
	}
	tw.Flush()
	marg, err := model.PredictProbaMarginal(votes)
	if err != nil {
		return err
	}
	var lmRight, mvRight int
	ties, _ := labelmodel.NewLabeler(labelmodel.TieNegative, 0)
	for r := 0; r < data.N; r++ {
		lm := int8(-1)
		if marg.At(r, 0) > 0.5 {
			lm = 1
		}
		if lm == data.Y[r] {
			lmRight++
		}
		if labelmodel.MajorityVote(votes.Row(r), ties) == data.Y[r] {
			mvRight++
		}
	}
	fmt.Fprintf(stdout, "\nlabel accuracy: label model %.4f, majority vote %.4f (ties go to -1)\n",
		float64(lmRight)/float64(data.N), float64(mvRight)/float64(data.N))
	return nil
}

func cmdBench(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	quick := fs.Bool("quick", false, "small sizes only")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	var bar *progress.Bar
	defer func() { bar.Finish() }()
	return bench.TableProgress(stdout, *quick, func(i, n int) {
		if i == 0 {
			bar = progress.New(stderr, int64(n), "bench")
		}
		bar.Add(min(i, 1)) // the case before is done
	})
}
