package squidbeam

import (
	"bytes"
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

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
	m := f.model.Spec().M
	err = eachShardChunk(ctx, file, votesio.Convention{Abstain: f.Abstain}, f.Chunk, m, func(data []int8, n int) error {
		v := labelmodel.Votes{N: n, M: m, Data: data}
		p := make([]float64, v.N*cols)
		var err error
		if f.Marginal {
			err = f.model.PredictProbaMarginalInto(p, make([]float64, v.N*f.model.Classes()), v)
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
