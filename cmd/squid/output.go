package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/squid-ws/squid/votesio"
)

// output is where a command writes its result: a file that is replaced
// atomically when the command succeeds, or standard output for "-". Every
// command that writes a file goes through it, so every output is checked
// before any input is read: never the same file as an input, never an
// existing device, directory or FIFO, never in a missing directory; and
// its temporary file is removed on every error, including an interrupt.
type output struct {
	path   string
	stdout io.Writer // non-nil for "-"
	file   *votesio.AtomicFile
}

// checkOutput checks path against the command's inputs (empty ones are
// ignored); call it before reading anything.
func checkOutput(path string, stdout io.Writer, inputs ...string) (*output, error) {
	if path == "-" {
		return &output{path: path, stdout: stdout}, nil
	}
	if _, err := votesio.CheckOutput(path, inputs...); err != nil {
		return nil, err
	}
	return &output{path: path}, nil
}

// create makes the temporary file now, so an unwritable directory is
// reported before a long read rather than after it.
func (o *output) create() error {
	if o.stdout != nil {
		return nil
	}
	var err error
	o.file, err = votesio.CreateAtomic(o.path)
	return err
}

// writeAll writes the whole output through write and commits it, unless
// ctx was cancelled (an interrupt), in which case nothing is written.
func (o *output) writeAll(ctx context.Context, write func(io.Writer) error) error {
	if err := interrupted(ctx); err != nil {
		return err
	}
	if o.stdout != nil {
		return write(o.stdout)
	}
	if o.file == nil {
		if err := o.create(); err != nil {
			return err
		}
	}
	if err := write(o.file); err != nil {
		return err
	}
	return o.file.Commit()
}

// matrix checks that the output can take a streamed matrix: standard
// output (CSV) or a file named .npy or .csv (any case), the formats sink
// writes; another extension (out.txt) is an error, not a silent .npy.
func (o *output) matrix() error {
	ext := strings.ToLower(filepath.Ext(o.path))
	if o.stdout != nil || ext == ".npy" || ext == ".csv" {
		return nil
	}
	return fmt.Errorf("-o %s: the output is written as .npy (float64) or .csv, by its extension; name it .npy or .csv, or - for CSV on standard output", o.path)
}

// sink starts a streamed matrix output: .npy or CSV by the file's
// extension, CSV on standard output.
func (o *output) sink(cols int, names []string) (*votesio.Sink, error) {
	if o.stdout != nil {
		return votesio.NewCSVSink(o.stdout, cols, names)
	}
	return votesio.Create(o.path, cols, names)
}

// abort removes the temporary file, if any; it does nothing after a
// successful commit.
func (o *output) abort() {
	if o.file != nil {
		o.file.Abort()
	}
}

// interrupted is the error for a cancelled ctx (SIGINT or SIGTERM), or nil.
func interrupted(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("interrupted (%w); no output written", context.Cause(ctx))
}
