// Package progress shows the progress of long work on a terminal: one bar
// on standard error, only when it is a terminal, so that logs, pipes and
// tests see nothing. The squid command line (streaming reads, bench),
// bench/mkvotes and squid-beam share it.
package progress

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar is a progress bar, or nil when the writer is not a terminal; every
// method of a nil *Bar does nothing.
type Bar struct {
	bar *progressbar.ProgressBar
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// New returns a bar counting up to total (-1 when unknown) with the given
// description, writing to w when w is a terminal; otherwise nil.
func New(w io.Writer, total int64, desc string) *Bar {
	if !IsTerminal(w) {
		return nil
	}
	return newBar(w, total, desc)
}

func newBar(w io.Writer, total int64, desc string) *Bar {
	return &Bar{progressbar.NewOptions64(total, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(), progressbar.OptionThrottle(200e6),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))}
}

// Add counts n more units of work.
func (b *Bar) Add(n int) {
	if b != nil {
		b.bar.Add64(int64(n))
	}
}

// Finish completes the bar and ends its line.
func (b *Bar) Finish() {
	if b != nil {
		b.bar.Finish()
	}
}
