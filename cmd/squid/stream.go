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
	// A read blocked on a pipe or FIFO would not see ctx until more data
	// came: closing the source on cancellation ends it now.
	defer context.AfterFunc(ctx, func() { src.Close() })()
	chunk := make([]int8, chunkRows(src, rows)*src.Cols)
	first := 0
	for {
		if err := interrupted(ctx); err != nil {
			return err
		}
		n, err := src.Next(chunk)
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

// openVotes opens a vote file for the model: one column per LF.
func openVotes(m fitflags.Model, path string, conv votesio.Convention) (*votesio.Source, error) {
	src, err := votesio.Open(path, conv)
	if err != nil {
		return nil, err
	}
	if src.Cols != m.LFs() {
		src.Close()
		return nil, fmt.Errorf("%s: votes have %d columns, the model has %d LFs", path, src.Cols, m.LFs())
	}
	return src, nil
}
