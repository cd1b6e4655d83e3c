package squidbeam

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/votesio"
)

// predictFn writes the probabilistic labels of one shard.
type predictFn struct {
	Model      []byte
	Convention votesio.Convention
	OutDir     string
	Marginal   bool
	Chunk      int
	model      fitflags.Model
}

// Setup loads the fitted model.
func (f *predictFn) Setup() error {
	var err error
	f.model, err = fitflags.LoadModel(f.Model, "model")
	return err
}

// ProcessElement writes one shard's labels.
func (f *predictFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(string)) error {
	out := predictOutput(f.OutDir, file.Metadata.Path)
	if _, err := votesio.CheckOutput(out, file.Metadata.Path); err != nil {
		return err
	}
	cols, names, predict := f.model.Predictor(f.Marginal)
	sink, err := votesio.Create(out, cols, names)
	if err != nil {
		return err
	}
	m := f.model.LFs()
	var p []float64 // reused across chunks
	err = eachShardChunk(ctx, file, f.Convention, f.Chunk, m, func(data []int8, n int) error {
		if cap(p) < n*cols {
			p = make([]float64, n*cols)
		}
		if err := predict(p[:n*cols], data, n, m); err != nil {
			return err
		}
		return sink.Write(p[:n*cols])
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
// <outDir>/<shard name>.proba.npy from the fitted model (its JSON, binary
// or multiclass, as squid fit writes it): n x 2^v pattern probabilities
// (n x v with marginal) for a binary model, n x k class probabilities for
// a k-class one. conv says how to read the shards (the model's convention:
// see fitflags.Input.ModelConvention). It returns the PCollection of
// written paths.
func Predict(s beam.Scope, model []byte, input string, conv votesio.Convention, outDir string, marginal bool, chunk int) (beam.PCollection, error) {
	fitted, err := fitflags.LoadModel(model, "model")
	if err != nil {
		return beam.PCollection{}, err
	}
	if marginal && fitted.Multi != nil {
		return beam.PCollection{}, errors.New("--marginal applies to binary models; a multiclass model predicts P(Y = c) per class")
	}
	if fitted.Classes() != max(conv.Classes, 2) {
		return beam.PCollection{}, fmt.Errorf("the model has %d classes, the votes are read as %d", fitted.Classes(), max(conv.Classes, 2))
	}
	if chunk <= 0 {
		chunk = 1 << 20
	}
	if err := checkOutputs(input, func(shard string) string { return predictOutput(outDir, shard) }); err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("squid.Predict")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, input, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	return beam.ParDo(s, &predictFn{Model: model, Convention: conv, OutDir: outDir, Marginal: marginal, Chunk: chunk}, files), nil
}
