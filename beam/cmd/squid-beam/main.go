// Command squid-beam fits a squid label model over many vote shards on
// Apache Beam, or applies a fitted model to them.
//
//	squid-beam --input 'shards/*.npy' [--graph graph.json] --output model.json
//	squid-beam --predict --model model.json --input 'shards/*.npy' --outdir labels/
//
// The local prism runner is the default; pass Beam's runner flags to run
// elsewhere, e.g. --runner=flink --endpoint=localhost:8099
// --environment_type=LOOPBACK, or --runner=dataflow --project=... --region=...
// --staging_location=gs://.../staging.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/squid-ws/squid/beam/squidbeam"
	"github.com/squid-ws/squid/labelmodel"
)

var (
	input    = flag.String("input", "", "glob of vote shards (.npy or .csv)")
	graph    = flag.String("graph", "", "graph file (JSON); default: m LFs on one task (give --m)")
	m        = flag.Int("m", 0, "number of LFs when there is no graph file")
	output   = flag.String("output", "", "where to write the fitted model (JSON)")
	method   = flag.String("method", "triplet_mean", "solve method: triplet_mean, triplet_median or triplet")
	cb       = flag.String("class-balance", "", "class balance over the 2^v Y patterns, comma-separated")
	abstain  = flag.Int("abstain", 0, "abstain value in the shards: 0 (FlyingSquid) or -1 (Snorkel)")
	chunk    = flag.Int("chunk", 1<<20, "rows read at a time from a shard")
	predict  = flag.Bool("predict", false, "apply --model to the shards instead of fitting")
	model    = flag.String("model", "", "fitted model (with --predict)")
	outdir   = flag.String("outdir", "", "directory for <shard>.proba.npy (with --predict)")
	marginal = flag.Bool("marginal", false, "write P(Y_t = +1) per task instead of the 2^v pattern probabilities")
)

func main() {
	flag.Parse()
	beam.Init()
	if err := run(context.Background()); err != nil {
		log.Fatalf("squid-beam: %v", err)
	}
}

func run(ctx context.Context) error {
	if *input == "" {
		return fmt.Errorf("--input is required")
	}
	p, s := beam.NewPipelineWithRoot()
	if *predict {
		if *model == "" || *outdir == "" {
			return fmt.Errorf("--predict needs --model and --outdir")
		}
		b, err := os.ReadFile(*model)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*outdir, 0o755); err != nil {
			return err
		}
		if _, err := squidbeam.Predict(s, b, *input, *abstain, *outdir, *marginal, *chunk); err != nil {
			return err
		}
		return beamx.Run(ctx, p)
	}
	if *output == "" {
		return fmt.Errorf("--output is required")
	}
	spec := labelmodel.Spec{M: *m}
	if *graph != "" {
		b, err := os.ReadFile(*graph)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&spec); err != nil {
			return fmt.Errorf("%s: %w", *graph, err)
		}
	}
	if spec.M == 0 {
		return fmt.Errorf("give --graph or --m (the number of LFs)")
	}
	opts := labelmodel.Options{Method: labelmodel.Method(*method)}
	if *cb != "" {
		for _, f := range strings.Split(*cb, ",") {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("--class-balance: %q is not a number", f)
			}
			opts.ClassBalance = append(opts.ClassBalance, x)
		}
	}
	cfg := squidbeam.Config{Input: *input, Spec: spec, Abstain: *abstain, Options: opts, Chunk: *chunk}
	if err := squidbeam.Fit(s, cfg, *output); err != nil {
		return err
	}
	return beamx.Run(ctx, p)
}
