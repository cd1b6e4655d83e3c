// Package squidbeam fits squid label models on Apache Beam. A fit needs
// only sufficient statistics that add up over rows, so a fit over many vote
// shards is a map (one labelmodel.Stats per shard), a combine (Merge; the
// accumulator is the statistics' compact binary encoding) and the cheap
// triplet solve on one worker. The second pipeline applies a fitted model to
// every shard and writes probabilistic labels beside it.
//
// Both run on any Beam runner: the local prism runner for tests, Flink,
// Spark or Dataflow in production. Shards are read through Beam's file
// systems (local, gs://, s3:// when their packages are linked in).
package squidbeam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

func init() {
	register.DoFn3x1[context.Context, fileio.ReadableFile, func([]byte), error](&shardStatsFn{})
	register.Emitter1[[]byte]()
	register.Combiner3[[]byte, []byte, []byte](&mergeStatsFn{})
	register.DoFn2x1[context.Context, []byte, error](&writeModelFn{})
	register.DoFn3x1[context.Context, fileio.ReadableFile, func(string), error](&predictFn{})
	register.Emitter1[string]()
}

// Config says what to read and how to fit.
type Config struct {
	// Input is a glob of vote shards (.npy or .csv), e.g. "shards/*.npy".
	Input string
	// Spec is the label model's graph; Spec.M must match the shards.
	Spec labelmodel.Spec
	// Abstain is the abstain value of the files (0 FlyingSquid, -1 Snorkel).
	Abstain int
	// Options are the fit options (method, class balance...).
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

// shardStatsFn reads one shard and emits its encoded statistics.
type shardStatsFn struct {
	Spec    []byte // labelmodel.Spec as JSON
	Abstain int
	Chunk   int
	model   *labelmodel.Model
}

// Setup builds the model whose statistics the shards feed.
func (f *shardStatsFn) Setup() error {
	var spec labelmodel.Spec
	if err := json.Unmarshal(f.Spec, &spec); err != nil {
		return err
	}
	m, err := labelmodel.New(spec)
	f.model = m
	return err
}

// ProcessElement counts one shard.
func (f *shardStatsFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func([]byte)) error {
	stats := f.model.NewStats()
	err := eachShardChunk(ctx, file, votesio.Convention{Abstain: f.Abstain}, f.Chunk, f.model.Spec().M, func(v labelmodel.Votes) error {
		return stats.Add(v)
	})
	if err != nil {
		return err
	}
	enc, err := stats.MarshalBinary()
	if err != nil {
		return err
	}
	emit(enc)
	return nil
}

// eachShardChunk streams a shard's votes in chunks of rows.
func eachShardChunk(ctx context.Context, file fileio.ReadableFile, conv votesio.Convention, chunk, m int, f func(labelmodel.Votes) error) error {
	name := file.Metadata.Path
	rc, err := file.Open(ctx)
	if err != nil {
		return fmt.Errorf("shard %s: %w", name, err)
	}
	defer rc.Close()
	src, err := votesio.NewSource(rc, name, conv)
	if err != nil {
		return err // names the shard already
	}
	if src.Cols != m {
		return fmt.Errorf("shard %s: %d columns, the model has m = %d LFs", name, src.Cols, m)
	}
	buf := make([]int8, chunk*m)
	for {
		n, err := src.Next(buf)
		if n > 0 {
			if ferr := f(labelmodel.Votes{N: n, M: m, Data: buf[:n*m]}); ferr != nil {
				return fmt.Errorf("shard %s: %w", name, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err // names the shard, row and column
		}
	}
}

// mergeStatsFn merges encoded statistics.
type mergeStatsFn struct{}

// CreateAccumulator returns the empty statistics (nil).
func (mergeStatsFn) CreateAccumulator() []byte { return nil }

// AddInput merges one shard's statistics.
func (mergeStatsFn) AddInput(acc, in []byte) ([]byte, error) { return merge(acc, in) }

// MergeAccumulators merges partial results.
func (mergeStatsFn) MergeAccumulators(a, b []byte) ([]byte, error) { return merge(a, b) }

// ExtractOutput returns the merged statistics.
func (mergeStatsFn) ExtractOutput(acc []byte) []byte { return acc }

// merge adds two encoded statistics (nil is the empty accumulator).
func merge(a, b []byte) ([]byte, error) {
	if a == nil {
		return b, nil
	}
	if b == nil {
		return a, nil
	}
	var sa, sb labelmodel.Stats
	if err := sa.UnmarshalBinary(a); err != nil {
		return nil, err
	}
	if err := sb.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	if err := sa.Merge(&sb); err != nil {
		return nil, err
	}
	return sa.MarshalBinary()
}

// MergedStats is the map and combine of the fit: the encoded statistics of
// every shard matching cfg.Input, merged into one (a PCollection of one
// []byte).
func MergedStats(s beam.Scope, cfg Config) (beam.PCollection, error) {
	spec, err := json.Marshal(cfg.Spec)
	if err != nil {
		return beam.PCollection{}, err
	}
	if _, err := labelmodel.New(cfg.Spec); err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("squid.MergedStats")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, cfg.Input, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	stats := beam.ParDo(s, &shardStatsFn{Spec: spec, Abstain: cfg.Abstain, Chunk: cfg.chunk()}, files)
	return beam.Combine(s, &mergeStatsFn{}, stats), nil
}

// writeModelFn fits the model from the merged statistics and writes it.
type writeModelFn struct {
	Spec    []byte
	Options []byte
	Output  string
}

// ProcessElement fits and writes the model.
func (f *writeModelFn) ProcessElement(ctx context.Context, enc []byte) error {
	var spec labelmodel.Spec
	var opts labelmodel.Options
	if err := json.Unmarshal(f.Spec, &spec); err != nil {
		return err
	}
	if err := json.Unmarshal(f.Options, &opts); err != nil {
		return err
	}
	var stats labelmodel.Stats
	if err := stats.UnmarshalBinary(enc); err != nil {
		return err
	}
	model, err := labelmodel.New(spec)
	if err != nil {
		return err
	}
	if err := model.FitStats(&stats, opts); err != nil {
		return err
	}
	return writeFile(ctx, f.Output, model.Save)
}

// writeFile writes a file atomically on the local file system (temporary
// file and rename) or through Beam's file system for other schemes (whose
// object writes are atomic).
func writeFile(ctx context.Context, out string, write func(io.Writer) error) error {
	if local(out) {
		return votesio.WriteFileAtomic(out, write)
	}
	fs, err := filesystem.New(ctx, out)
	if err != nil {
		return err
	}
	defer fs.Close()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	w, err := fs.OpenWrite(ctx, out)
	if err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Fit adds the fit pipeline to s: read the shards, merge their statistics,
// fit, and write the model JSON to output. Nothing is written when a shard
// fails.
func Fit(s beam.Scope, cfg Config, output string) error {
	if err := checkModelOutput(cfg.Input, output); err != nil {
		return err
	}
	merged, err := MergedStats(s, cfg)
	if err != nil {
		return err
	}
	spec, _ := json.Marshal(cfg.Spec)
	opts, err := json.Marshal(cfg.Options)
	if err != nil {
		return err
	}
	beam.ParDo0(s.Scope("squid.FitAndWrite"), &writeModelFn{Spec: spec, Options: opts, Output: output}, merged)
	return nil
}

// predictFn writes the probabilistic labels of one shard.
type predictFn struct {
	Model    []byte
	Abstain  int
	OutDir   string
	Marginal bool
	Chunk    int
	model    *labelmodel.Model
}

// Setup loads the fitted model.
func (f *predictFn) Setup() error {
	m, err := labelmodel.Load(bytes.NewReader(f.Model))
	f.model = m
	return err
}

// ProcessElement writes one shard's labels.
func (f *predictFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(string)) error {
	out := predictOutput(f.OutDir, file.Metadata.Path)
	if _, err := votesio.CheckOutput(out, file.Metadata.Path); err != nil {
		return err
	}
	cols := f.model.Classes()
	if f.Marginal {
		cols = f.model.Spec().Tasks()
	}
	sink, err := votesio.Create(out, cols, nil)
	if err != nil {
		return err
	}
	err = eachShardChunk(ctx, file, votesio.Convention{Abstain: f.Abstain}, f.Chunk, f.model.Spec().M, func(v labelmodel.Votes) error {
		p := make([]float64, v.N*cols)
		var err error
		if f.Marginal {
			err = f.model.PredictMarginalInto(p, make([]float64, v.N*f.model.Classes()), v)
		} else {
			err = f.model.PredictProbaInto(p, v)
		}
		if err != nil {
			return err
		}
		return sink.Write(p)
	})
	if err != nil {
		sink.Abort()
		return err
	}
	if err := sink.Close(); err != nil {
		return err
	}
	emit(out)
	return nil
}

// Predict adds the predict pipeline to s: every shard matching input gets
// <outDir>/<shard name>.proba.npy (n x 2^v, or n x v with marginal) from
// the fitted model (its JSON). It returns the PCollection of written paths.
func Predict(s beam.Scope, model []byte, input string, abstain int, outDir string, marginal bool, chunk int) (beam.PCollection, error) {
	if _, err := labelmodel.Load(bytes.NewReader(model)); err != nil {
		return beam.PCollection{}, err
	}
	if chunk <= 0 {
		chunk = 1 << 20
	}
	if err := checkOutputs(input, func(shard string) string { return predictOutput(outDir, shard) }); err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("squid.Predict")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, input, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	return beam.ParDo(s, &predictFn{Model: model, Abstain: abstain, OutDir: outDir, Marginal: marginal, Chunk: chunk}, files), nil
}
