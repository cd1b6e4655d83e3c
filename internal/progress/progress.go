// Package progress shows the progress of long work on a terminal: one bar
// on standard error, only when it is a terminal, so that logs, pipes and
// tests see nothing. The squid command line (streaming reads, bench),
// bench/mkvotes and squid-beam share it.
//
// The bar is drawn here (a carriage return and one line, at most five
// times a second) rather than by a progress-bar library: the one used
// before brought net/http, crypto/tls and their package initialisers into
// every squid process, about 1.7 ms of start-up and 3 MB of binary.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// throttle is the least time between two drawings of the bar.
const throttle = 200 * time.Millisecond

// width is the number of cells of the bar itself.
const width = 30

// Bar is a progress bar, or nil when the writer is not a terminal; every
// method of a nil *Bar does nothing. Its methods may be called from
// several goroutines.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	total int64 // -1 when unknown
	desc  string
	n     int64
	drawn time.Time
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
	b := &Bar{w: w, total: total, desc: desc}
	b.draw()
	return b
}

// Add counts n more units of work.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += int64(n)
	if time.Since(b.drawn) >= throttle {
		b.draw()
	}
}

// Finish completes the bar and ends its line.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw()
	fmt.Fprintln(b.w)
}

// draw writes the bar's line over the previous one: the description, the
// bar and percentage when the total is known, and the count.
func (b *Bar) draw() {
	b.drawn = time.Now()
	if b.total <= 0 {
		fmt.Fprintf(b.w, "\r%s %d", b.desc, b.n)
		return
	}
	done := min(b.n, b.total)
	cells := int(done * width / b.total)
	fmt.Fprintf(b.w, "\r%s %3d%% |%s%s| %d/%d", b.desc, done*100/b.total, strings.Repeat("█", cells), strings.Repeat(" ", width-cells), b.n, b.total)
}
