// Command squid-beam fits a squid label model over many vote shards on
// Apache Beam, or applies a fitted model to them.
//
//	squid-beam --input 'shards/*.npy' [--graph graph.json | --m 20] --output model.json [fit flags]
//	squid-beam --predict --model model.json --input 'shards/*.npy' --outdir labels/
//
// The fit flags are squid fit's (--method, --class-balance, --dev-labels,
// --no-abstain, --compat, --exact-separators, --exact-dependencies,
// --classes, --abstain, --header, --no-header), with the same meaning and
// checks, and the model is the one squid fit writes for the same votes.
//
// The local prism runner is the default; pass Beam's runner flags to run
// elsewhere, e.g. --runner=flink --endpoint=localhost:8099
// --environment_type=LOOPBACK, or --runner=dataflow --project=... --region=...
// --staging_location=gs://.../staging. Beam's own logs are shown with
// --verbose; a failed pipeline ends with one line naming the shard, row
// and column of the fault.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/squid-ws/squid/beam/squidbeam"
	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/internal/progress"
	"github.com/squid-ws/squid/labelmodel"
)

// options are squid-beam's own flags (Beam's are on flag.CommandLine).
type options struct {
	input, graph, output, model, outdir string
	m                                   int
	predict, marginal, verbose          bool
	in                                  fitflags.Input
	fit                                 fitflags.Fit
}

// register defines squid-beam's own flags on fs.
func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.input, "input", "", "glob of vote shards (.npy or .csv)")
	fs.StringVar(&o.graph, "graph", "", "graph file (JSON); default: m LFs on one task (give --m)")
	fs.IntVar(&o.m, "m", 0, "number of LFs when there is no graph file")
	fs.StringVar(&o.output, "output", "", "where to write the fitted model (JSON)")
	o.in.Register(fs)
	o.fit.Register(fs)
	fs.BoolVar(&o.predict, "predict", false, "apply --model to the shards instead of fitting")
	fs.StringVar(&o.model, "model", "", "fitted model (with --predict)")
	fs.StringVar(&o.outdir, "outdir", "", "directory for <shard>.proba.npy (with --predict)")
	fs.BoolVar(&o.marginal, "marginal", false, "write P(Y_t = +1) per task instead of the 2^v pattern probabilities")
	fs.BoolVar(&o.verbose, "verbose", false, "show Beam's logs (job state, workers, plans)")
}

func main() {
	var o options
	setFlags(&o)
	flag.Parse()
	beam.Init()
	if !o.verbose {
		quietBeam()
	}
	if err := run(context.Background(), &o); err != nil {
		fmt.Fprintln(os.Stderr, "squid-beam:", oneLine(err, o.verbose))
		os.Exit(1)
	}
}

// run builds the fit or the predict pipeline and runs it.
func run(ctx context.Context, o *options) error {
	if o.input == "" {
		return fmt.Errorf("--input is required")
	}
	conv, err := o.in.Convention()
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	if o.predict {
		if o.model == "" || o.outdir == "" {
			return fmt.Errorf("--predict needs --model and --outdir")
		}
		b, err := os.ReadFile(o.model)
		if err != nil {
			return err
		}
		if conv, err = modelConvention(o, b); err != nil {
			return err
		}
		if err := os.MkdirAll(o.outdir, 0o755); err != nil {
			return err
		}
		if _, err := squidbeam.Predict(s, b, o.input, conv, o.outdir, o.marginal, o.in.Chunk); err != nil {
			return err
		}
		return execute(ctx, p)
	}
	if o.output == "" {
		return fmt.Errorf("--output is required")
	}
	opts, err := o.fit.Options()
	if err != nil {
		return err
	}
	spec, err := o.spec()
	if err != nil {
		return err
	}
	if err := o.fit.ReadDevLabels(&opts, conv, spec.Tasks()); err != nil {
		return err
	}
	cfg := squidbeam.Config{Input: o.input, Spec: spec, Convention: conv, Options: opts, Chunk: o.in.Chunk}
	if err := squidbeam.Fit(s, cfg, o.output); err != nil {
		return err
	}
	start := time.Now()
	if err := execute(ctx, p); err != nil {
		return err
	}
	summarize(o.output, o.fit.Method, time.Since(start))
	return nil
}

// summarize ends a fit as squid fit does: the fit's warnings and one
// summary line on standard error, read back from the model written (a
// remote output, gs://..., is not read back: its path is printed).
func summarize(output, method string, elapsed time.Duration) {
	if strings.Contains(output, "://") {
		fmt.Fprintf(os.Stderr, "fit: model written to %s, %.2f s\n", output, elapsed.Seconds())
		return
	}
	m, err := fitflags.ReadModel(output)
	if err != nil {
		fmt.Fprintln(os.Stderr, "squid-beam: reading back the model written:", err)
		return
	}
	fitflags.PrintFitSummary(os.Stderr, m.Warnings(), m.Rows(), m.LFs(), m.Classes(), method, elapsed)
}

// spec is the graph: the graph file (whose m must agree with --m when
// both are given) or --m LFs on one task; --no-abstain adds to it.
func (o *options) spec() (labelmodel.Spec, error) {
	if o.graph == "" {
		if o.m <= 0 {
			return labelmodel.Spec{}, fmt.Errorf("give --graph or --m (the number of LFs)")
		}
		return fitflags.ReadSpec("", o.m, o.fit.NoAbstain)
	}
	spec, err := fitflags.ReadSpecFile(o.graph)
	if err != nil {
		return spec, err
	}
	if o.m != 0 && o.m != spec.M {
		return spec, fmt.Errorf("%s: graph has m = %d LFs but --m is %d", o.graph, spec.M, o.m)
	}
	spec.NoAbstentions = spec.NoAbstentions || o.fit.NoAbstain
	return spec, nil
}

// execute runs the pipeline with a progress bar of the rows read on a
// terminal (workers in this process report them: prism, LOOPBACK).
func execute(ctx context.Context, p *beam.Pipeline) error {
	bar := progress.New(os.Stderr, -1, "rows read")
	if bar != nil {
		squidbeam.SetProgress(bar.Add)
		defer squidbeam.SetProgress(nil)
	}
	err := beamx.Run(ctx, p)
	bar.Finish()
	return err
}
