// Package squidbeam fits squid label models on Apache Beam. A fit needs
// only sufficient statistics that add up over rows, so a fit over many vote
// shards is a map (the statistics of each shard: one labelmodel.Stats, or
// one per class for a multiclass model), a combine (their merge; the
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
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

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

// progress is told the rows of every chunk read (see SetProgress).
var progress atomic.Pointer[func(rows int)]

// SetProgress has every chunk of rows read from a shard reported to f (nil
// stops it). Only workers in this process report: the local prism runner,
// or any runner with --environment_type=LOOPBACK; squid-beam shows them
// as a progress bar on a terminal. f must be safe for concurrent use.
func SetProgress(f func(rows int)) {
	if f == nil {
		progress.Store(nil)
		return
	}
	progress.Store(&f)
}

func reportRows(n int) {
	if f := progress.Load(); f != nil {
		(*f)(n)
	}
}

// eachShardChunk streams a shard's votes (m columns) in chunks of rows,
// read in the convention conv. Errors name the shard (and the row and
// column of a bad value).
func eachShardChunk(ctx context.Context, file fileio.ReadableFile, conv votesio.Convention, chunk, m int, f func(data []int8, n int) error) error {
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
			if ferr := f(buf[:n*m], n); ferr != nil {
				return fmt.Errorf("shard %s: %w", name, ferr)
			}
			reportRows(n)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err // names the shard, row and column
		}
	}
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
