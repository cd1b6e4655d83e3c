package squidbeam

import (
	"context"
	"encoding/json"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// Config says what to read and how to fit.
type Config struct {
	// Input is a glob of vote shards (.npy or .csv), e.g. "shards/*.npy".
	Input string
	// Spec is the label model's graph; Spec.M must match the shards.
	Spec labelmodel.Spec
	// Convention says how to read the shards: the abstain value (0
	// FlyingSquid, -1 Snorkel), the number of classes (> 2 fits a
	// multiclass model on class votes 0..k-1) and CSV headers.
	Convention votesio.Convention
	// Options are the fit options (method, class balance, dev labels,
	// compatibility); a multiclass fit takes the method, class balance
	// and dev labels, and refuses the binary-only options.
	Options labelmodel.Options
	// Chunk is the number of rows read at a time from a shard (default 2^20).
	Chunk int
}

func (c Config) chunk() int {
	if c.Chunk <= 0 {
		return 1 << 20
	}
	return c.Chunk
}

// fitter returns an empty fitter for the graph and classes, after
// checking the options against it.
func (c Config) fitter() (*fitflags.Fitter, error) {
	f, err := fitflags.NewFitter(c.Spec, c.Convention.Classes)
	if err != nil {
		return nil, err
	}
	return f, f.Check(c.Options)
}

// shardStatsFn reads one shard and emits its encoded statistics.
type shardStatsFn struct {
	Config []byte // Config as JSON
	cfg    Config
}

// Setup decodes the configuration.
func (f *shardStatsFn) Setup() error { return json.Unmarshal(f.Config, &f.cfg) }

// ProcessElement counts one shard.
func (f *shardStatsFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func([]byte)) error {
	fit, err := fitflags.NewFitter(f.cfg.Spec, f.cfg.Convention.Classes)
	if err != nil {
		return err
	}
	m := f.cfg.Spec.M
	err = eachShardChunk(ctx, file, f.cfg.Convention, f.cfg.chunk(), m, func(data []int8, n int) error {
		return fit.Add(data, n, m)
	})
	if err != nil {
		return err
	}
	enc, err := fit.MarshalStats()
	if err != nil {
		return err
	}
	emit(enc)
	return nil
}

// mergeStatsFn merges encoded statistics.
type mergeStatsFn struct{}

// CreateAccumulator returns the empty statistics (nil).
func (mergeStatsFn) CreateAccumulator() []byte { return nil }

// AddInput merges one shard's statistics.
func (mergeStatsFn) AddInput(acc, in []byte) ([]byte, error) { return fitflags.MergeStats(acc, in) }

// MergeAccumulators merges partial results.
func (mergeStatsFn) MergeAccumulators(a, b []byte) ([]byte, error) {
	return fitflags.MergeStats(a, b)
}

// ExtractOutput returns the merged statistics.
func (mergeStatsFn) ExtractOutput(acc []byte) []byte { return acc }

// MergedStats is the map and combine of the fit: the encoded statistics of
// every shard matching cfg.Input, merged into one (a PCollection of one
// []byte, fitflags.Fitter's encoding).
func MergedStats(s beam.Scope, cfg Config) (beam.PCollection, error) {
	if _, err := cfg.fitter(); err != nil {
		return beam.PCollection{}, err
	}
	enc, err := json.Marshal(cfg)
	if err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("squid.MergedStats")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, cfg.Input, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	stats := beam.ParDo(s, &shardStatsFn{Config: enc}, files)
	return beam.Combine(s, &mergeStatsFn{}, stats), nil
}

// writeModelFn fits the model from the merged statistics and writes it.
type writeModelFn struct {
	Config []byte
	Output string
}

// ProcessElement fits and writes the model.
func (f *writeModelFn) ProcessElement(ctx context.Context, enc []byte) error {
	var cfg Config
	if err := json.Unmarshal(f.Config, &cfg); err != nil {
		return err
	}
	fit, err := cfg.fitter()
	if err != nil {
		return err
	}
	if err := fit.UnmarshalStats(enc); err != nil {
		return err
	}
	if err := fit.Fit(cfg.Options); err != nil {
		return err
	}
	if err := fit.RecordConvention(cfg.Convention); err != nil {
		return err
	}
	return writeFile(ctx, f.Output, fit.Save)
}

// Fit adds the fit pipeline to s: read the shards, merge their statistics,
// fit, and write the model JSON (the file "squid fit" writes) to output.
// The graph, classes and options are checked before anything runs, and
// nothing is written when a shard fails.
func Fit(s beam.Scope, cfg Config, output string) error {
	if err := checkModelOutput(cfg.Input, output); err != nil {
		return err
	}
	merged, err := MergedStats(s, cfg)
	if err != nil {
		return err
	}
	enc, _ := json.Marshal(cfg)
	beam.ParDo0(s.Scope("squid.FitAndWrite"), &writeModelFn{Config: enc, Output: output}, merged)
	return nil
}
