package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/internal/progress"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// eachChunk streams the votes of src in chunks of rows, with a progress
// bar on stderr when it is a terminal. It stops with an error when ctx is
// cancelled (SIGINT, SIGTERM).
func eachChunk(ctx context.Context, src *votesio.Source, rows int, stderr io.Writer, f func(data []int8, n, first int) error) error {
	bar := progress.New(stderr, int64(src.Rows), src.Name)
	defer bar.Finish()
	// nextChunk returns on cancellation while a read waits on a pipe or
	// FIFO; closing the source then ends that read too, where it can (a
	// file squid opened; not standard input).
	defer context.AfterFunc(ctx, func() { src.Close() })()
	chunk := make([]int8, chunkRows(src, rows)*src.Cols)
	first := 0
	for {
		if err := interrupted(ctx); err != nil {
			return err
		}
		n, err := nextChunk(ctx, src, chunk)
		if n > 0 {
			if ferr := f(chunk[:n*src.Cols], n, first); ferr != nil {
				return ferr
			}
			first += n
			bar.Add(n)
		}
		if errors.Is(err, io.EOF) {
			return interrupted(ctx)
		}
		if err != nil {
			if ierr := interrupted(ctx); ierr != nil {
				return ierr // not the error of the read that the interrupt ended
			}
			return err
		}
	}
}

// nextChunk reads the next chunk of src into chunk (Source.Next), and
// returns when ctx is cancelled even while the read waits on a stalled
// pipe (see interruptible). The read then goes on into chunk, which the
// caller must not use again (eachChunk returns).
func nextChunk(ctx context.Context, src *votesio.Source, chunk []int8) (int, error) {
	return interruptible(ctx, func() (int, error) { return src.Next(chunk) }, nil)
}

// cpuChunkBytes bounds the votes of a chunk on the CPU backend: about a
// core's L2 cache, so that the votes the reader writes are still in the
// cache when the kernels read them, and one small buffer serves the whole
// file (--chunk's default of 2^20 rows is 20 MB of fresh pages at m = 20,
// written and read back through DRAM). A GPU backend gets whole chunks of
// --chunk rows: it declines calls of fewer than 2^22 votes.
const cpuChunkBytes = 1 << 20

// onCPU reports whether labelmodel's backend is the CPU one (always in the
// nocuda build; in the CUDA build when no GPU registered).
func onCPU() bool {
	_, ok := labelmodel.ActiveBackend().(labelmodel.CPU)
	return ok
}

// chunkRows returns how many rows of src to read at a time: at most rows
// (--chunk) and what the source allows (Source.ChunkRows), and on the CPU
// backend at most cpuChunkBytes of votes.
func chunkRows(src *votesio.Source, rows int) int {
	if onCPU() {
		rows = min(rows, max(1, cpuChunkBytes/src.Cols))
	}
	return src.ChunkRows(rows)
}

// openSource opens the votes at path (votesio.Open), and returns when ctx
// is cancelled even while the open waits on a stalled pipe or FIFO for the
// header (see interruptible).
func openSource(ctx context.Context, path string, conv votesio.Convention) (*votesio.Source, error) {
	return interruptible(ctx, func() (*votesio.Source, error) { return votesio.Open(path, conv) },
		func(src *votesio.Source) {
			if src != nil {
				src.Close()
			}
		})
}

// readGold reads one column of gold labels (fitflags.ReadGold), and
// returns when ctx is cancelled even while it waits on a stalled pipe.
func readGold(ctx context.Context, path string, conv votesio.Convention) (votesio.Matrix, error) {
	return interruptible(ctx, func() (votesio.Matrix, error) { return fitflags.ReadGold(path, conv, 1) }, nil)
}

// interruptible runs f and returns its results, or the interrupt's error as
// soon as ctx is cancelled (SIGINT, SIGTERM), even while f waits on a
// stalled pipe or FIFO, whose read nothing else would end (standard input
// is a blocking file descriptor). f then goes on in the background, and
// drop (when not nil) gets what it returns in the end.
func interruptible[T any](ctx context.Context, f func() (T, error), drop func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		if drop != nil {
			go func() { drop((<-ch).v) }()
		}
		var zero T
		return zero, interrupted(ctx)
	}
}

// openVotes opens a vote file for the model: one column per LF.
func openVotes(ctx context.Context, m fitflags.Model, path string, conv votesio.Convention) (*votesio.Source, error) {
	src, err := openSource(ctx, path, conv)
	if err != nil {
		return nil, err
	}
	if src.Cols != m.LFs() {
		src.Close()
		return nil, fmt.Errorf("%s: votes have %d columns, the model has %d LFs", src.Name, src.Cols, m.LFs())
	}
	return src, nil
}
