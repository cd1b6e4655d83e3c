package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/squid-ws/squid/analysis"
	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/internal/progress"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("squid "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// required checks that the named flags were given, and how standard
// input is used (stdinOnce).
func required(fs *flag.FlagSet, stderr io.Writer, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return fmt.Errorf("%s: %s is required (see squid %s -h)", cmdName(fs), flagName(n), cmdName(fs))
		}
	}
	return stdinOnce(fs, stderr)
}

// stdinOnce checks the inputs given as - (standard input): only vote and
// label files are read from it, and only one of them, since it can be
// read once. A terminal on standard input gets a hint on stderr: the
// command waits for rows typed there.
func stdinOnce(fs *flag.FlagSet, stderr io.Writer) error {
	var readers []string
	var err error
	fs.Visit(func(f *flag.Flag) {
		if f.Value.String() != votesio.Stdin {
			return
		}
		switch f.Name {
		case "votes", "dev-labels":
			readers = append(readers, flagName(f.Name))
		case "model", "graph":
			err = fmt.Errorf("%s: %s - : only --votes and --dev-labels read standard input", cmdName(fs), flagName(f.Name))
		}
	})
	if err == nil && len(readers) > 1 {
		err = fmt.Errorf("%s: %s both read standard input (-), which can be read only once", cmdName(fs), strings.Join(readers, " and "))
	}
	if err == nil && len(readers) == 1 && progress.IsTerminal(os.Stdin) {
		// Not an error (a few CSV rows may be typed), but never a silent wait.
		fmt.Fprintf(stderr, "squid %s: %s - reads the terminal: type CSV rows and end with Ctrl-D, or pipe a file in (< L.npy)\n", cmdName(fs), readers[0])
	}
	return err
}

// given reports whether the flag name was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func cmdFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := newFlags("fit", stderr)
	var in fitflags.Input
	in.Register(fs)
	votesPath := fs.String("votes", "", "vote matrix L (.npy or .csv, n x m), streamed in chunks; - reads standard input")
	graphPath := fs.String("graph", "", `graph file (JSON {"m","v","task_edges","lf_task_edges","lf_edges"}); default: m LFs on one task`)
	var ff fitflags.Fit
	ff.Register(fs)
	out := fs.String("o", "", "output model file (JSON); - for standard output")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required(fs, stderr, "votes", "o"); err != nil {
		return err
	}
	conv, err := in.Convention()
	if err != nil {
		return err
	}
	opts, err := ff.Options()
	if err != nil {
		return err
	}
	o, err := checkOutput(*out, stdout, *votesPath, *graphPath, ff.DevLabels)
	if err != nil {
		return err
	}
	if err := o.create(); err != nil {
		return err
	}
	defer o.abort()
	if *graphPath != "" { // a bad graph file fails before the votes are opened
		if _, err := fitflags.ReadSpecFile(*graphPath); err != nil {
			return err
		}
	}
	src, err := openSource(ctx, *votesPath, conv)
	if err != nil {
		return err
	}
	defer src.Close()
	spec, err := fitflags.ReadSpec(*graphPath, src.Cols, ff.NoAbstain)
	if err != nil {
		return err
	}
	f, err := fitflags.NewFitter(spec, in.Classes)
	if err != nil {
		return fitflags.SpecError(*graphPath, src.Name, err)
	}
	// --dev-labels may be a stalled pipe: the labels are read into a copy.
	opts, err = interruptible(ctx, func() (labelmodel.Options, error) {
		o := opts
		return o, ff.ReadDevLabels(&o, conv, spec.Tasks())
	}, nil)
	if err != nil {
		return err
	}
	warning, err := ff.Check(f, opts)
	if err != nil {
		return err
	}
	var rows int64
	if err := eachChunk(ctx, src, in.Chunk, stderr, func(data []int8, n, _ int) error { rows += int64(n); return f.Add(data, n, src.Cols) }); err != nil {
		return err
	}
	if err := f.Fit(opts); err != nil {
		return fmt.Errorf("%s: %w", src.Name, err)
	}
	if err := f.RecordConvention(conv); err != nil {
		return err
	}
	var warnings []string
	if warning != "" {
		warnings = append(warnings, warning)
	}
	warnings = append(warnings, f.Warnings()...)
	if w := conventionWarning(f.BStats, conv); w != "" {
		warnings = append(warnings, w)
	}
	if err := o.writeAll(ctx, f.Save); err != nil {
		return err
	}
	fitflags.PrintFitSummary(stderr, warnings, rows, src.Cols, f.Classes(), ff.Method, time.Since(start))
	return nil
}

// predictRows is how many rows predict computes and writes at a time on
// the CPU backend, whatever the chunk read: their probabilities stay in
// the cache between the kernel writing them and the output encoding them,
// and the buffer is reused instead of a fresh one the size of the chunk.
// A GPU backend gets whole chunks (see cpuChunkBytes).
const predictRows = 8192

func cmdPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", stderr)
	var in fitflags.Input
	in.Register(fs)
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit)")
	votesPath := fs.String("votes", "", "vote matrix L (.npy or .csv, n x m), streamed in chunks; - reads standard input")
	marginal := fs.Bool("marginal", false, "write P(Y_t = +1) per task (n x v) instead of P(Y) over the 2^v patterns")
	out := fs.String("o", "", "output (.npy float64, or .csv), written chunk by chunk; - writes CSV to standard output")
	var lab labelFlags
	lab.register(fs)
	fs.Lookup("classes").Usage = "number of classes of the votes: the model's (a multiclass model reads class votes 0..k-1); another value is an error"
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required(fs, stderr, "model", "votes", "o"); err != nil {
		return err
	}
	o, err := checkOutput(*out, stdout, *modelPath, *votesPath)
	if err != nil {
		return err
	}
	if err := o.matrix(); err != nil {
		return err
	}
	model, err := fitflags.ReadModel(*modelPath)
	if err != nil {
		return err
	}
	conv, err := modelConvention(model, fs, *modelPath, in)
	if err != nil {
		return err
	}
	in.Classes = model.Classes()
	hard, labelCols, labelNames, err := lab.newHardLabels(model, conv, *marginal)
	if err != nil {
		return err
	}
	if *marginal && model.Multi != nil {
		return errors.New("--marginal applies to binary models; a multiclass model predicts P(Y = c) per class")
	}
	src, err := openVotes(ctx, model, *votesPath, conv)
	if err != nil {
		return err
	}
	defer src.Close()
	cols, names, predict := model.Predictor(*marginal || hard != nil)
	sinkCols, sinkNames := cols, names
	if hard != nil {
		sinkCols, sinkNames = labelCols, labelNames
	}
	sink, err := o.sink(sinkCols, sinkNames)
	if err != nil {
		return err
	}
	m, step := src.Cols, chunkRows(src, in.Chunk)
	if onCPU() {
		step = min(step, predictRows)
	}
	p := make([]float64, step*cols)
	err = eachChunk(ctx, src, in.Chunk, stderr, func(data []int8, n, first int) error {
		for r := 0; r < n; r += step {
			k := min(step, n-r)
			rows, out := data[r*m:(r+k)*m], p[:k*cols]
			if err := predict(out, rows, k, m); err != nil {
				return fmt.Errorf("%s: rows from %d: %w", src.Name, first+r, err)
			}
			if hard != nil {
				out = hard.labels(out, rows, k, first+r, m)
			}
			if err := sink.Write(out); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = interrupted(ctx) // checked last: a signal during the last chunk still discards the output
	}
	if err != nil {
		sink.Abort()
		return err
	}
	return sink.Close()
}

func cmdAccuracies(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("accuracies", stderr)
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required(fs, stderr, "model"); err != nil {
		return err
	}
	model, err := fitflags.ReadModel(*modelPath)
	if err != nil {
		return err
	}
	joint, given := model.Accuracies()
	doc := struct {
		LFNames             []string  `json:"lf_names,omitempty"`
		Accuracies          []float64 `json:"accuracies,omitempty"`
		AccuraciesGivenVote []float64 `json:"accuracies_given_vote"`
		ClassBalance        []float64 `json:"class_balance"`
		Warnings            []string  `json:"warnings"`
	}{LFNames: model.Spec().LFNames, Accuracies: joint, AccuraciesGivenVote: given, Warnings: []string{}}
	if model.Multi != nil {
		doc.ClassBalance = model.Multi.ClassBalance()
	} else {
		doc.ClassBalance = model.Binary.ClassBalance()
	}
	doc.Warnings = append(doc.Warnings, (&fitflags.Fitter{Binary: model.Binary, Multi: model.Multi}).Warnings()...)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("analyze", stderr)
	var in fitflags.Input
	in.Register(fs)
	votesPath := fs.String("votes", "", "vote matrix L (.npy or .csv, n x m), streamed in chunks; - reads standard input")
	dev := fs.String("dev-labels", "", "gold labels for the same rows (.npy or .csv, n): adds each LF's empirical accuracy")
	graphPath := fs.String("graph", "", "graph file for the label model's estimates (default: m LFs on one task)")
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit): its estimated accuracies, instead of fitting the rows analysed")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required(fs, stderr, "votes"); err != nil {
		return err
	}
	var model *fitflags.Model
	if *modelPath != "" {
		if *graphPath != "" {
			return errors.New("give --model or --graph, not both (the model has its graph)")
		}
		m, err := fitflags.ReadModel(*modelPath)
		if err != nil {
			return err
		}
		model = &m
	}
	conv, err := in.Convention()
	if model != nil {
		conv, err = modelConvention(*model, fs, *modelPath, in)
		in.Classes = model.Classes()
	}
	if err != nil {
		return err
	}
	src, err := openSource(ctx, *votesPath, conv)
	if err != nil {
		return err
	}
	defer src.Close()
	var gold []int8
	if *dev != "" {
		y, err := readGold(ctx, *dev, conv)
		if err != nil {
			return err
		}
		gold = y.Data
	}
	abstain := int8(0)
	if in.Classes > 2 {
		abstain = -1
	}
	summary := analysis.New(src.Cols, abstain)
	spec, err := fitflags.ReadSpec(*graphPath, src.Cols, false)
	if err != nil {
		return err
	}
	var f *fitflags.Fitter
	ferr := errors.New("a fitted model gives the estimate")
	if model != nil {
		if src.Cols != model.LFs() {
			return fmt.Errorf("%s: votes have %d columns, the model has %d LFs", src.Name, src.Cols, model.LFs())
		}
	} else {
		f, ferr = fitflags.NewFitter(spec, in.Classes) // the estimate is optional: m < 3 has none
		if ferr != nil && *graphPath != "" {
			return fitflags.SpecError(*graphPath, src.Name, ferr) // but a graph file given is checked
		}
	}
	var rows int64
	err = eachChunk(ctx, src, in.Chunk, stderr, func(data []int8, n, first int) error {
		rows += int64(n)
		var g []int8
		if gold != nil {
			if first+n > len(gold) {
				return nil // too few labels: count the rows for the error
			}
			g = gold[first : first+n]
		}
		if ferr == nil {
			if err := f.Add(data, n, src.Cols); err != nil {
				return err
			}
		}
		return summary.Add(data, g)
	})
	if err != nil {
		return err
	}
	if gold != nil && int64(len(gold)) != rows {
		return fitflags.GoldRowsError(*dev, len(gold), src.Name, rows)
	}
	var estimated []float64
	if model != nil {
		_, estimated = model.Accuracies()
	} else if ferr == nil && summary.Rows() > 0 {
		if err := f.Fit(labelmodel.Options{Method: labelmodel.TripletMean}); err == nil {
			if f.Multi != nil {
				estimated, _ = f.Multi.AccuraciesGivenVote()
			} else {
				estimated, _ = f.Binary.AccuraciesGivenVote()
			}
		} else {
			fmt.Fprintln(stderr, "warning: no label-model estimate:", err)
		}
	} else if ferr != nil {
		fmt.Fprintln(stderr, "warning: no label-model estimate:", ferr)
	}
	if model != nil {
		summary.SetNames(model.Spec().LFNames)
	} else {
		summary.SetNames(spec.LFNames)
	}
	lfs := summary.LFs(estimated)
	if *asJSON {
		return analysis.WriteJSON(stdout, summary.Rows(), lfs)
	}
	fmt.Fprintf(stdout, "%d rows, %d LFs\n", summary.Rows(), src.Cols)
	return analysis.WriteTable(stdout, lfs)
}
