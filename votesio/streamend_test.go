package votesio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// A .npy stream (standard input, a pipe, a reader) with bytes after the
// data its header declares is refused, as a regular file is when opened:
// before, cat a.npy b.npy | squid fit --votes - fitted on a's rows alone.
func TestNpyStreamTrailingData(t *testing.T) {
	one := rawNpy("|i1", "(2, 3)", []byte{1, 0, 255, 1, 1, 0})
	for _, tc := range []struct {
		name string
		data []byte
		bad  bool
	}{
		{"exact", one, false},
		{"one byte more", append(append([]byte{}, one...), 0), true},
		{"two files", append(append([]byte{}, one...), one...), true},
	} {
		for _, open := range []func(io.Reader) (*Source, error){
			func(r io.Reader) (*Source, error) { return NewSource(r, "votes.npy", Convention{}) },
			func(r io.Reader) (*Source, error) { return openReader(r, "standard input", Convention{}) },
		} {
			src, err := open(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			m, err := readAll(src)
			switch {
			case tc.bad && (err == nil || !strings.Contains(err.Error(), "more bytes follow the data")):
				t.Errorf("%s: got %v, want an error saying more bytes follow the data", tc.name, err)
			case !tc.bad && (err != nil || m.Rows != 2):
				t.Errorf("%s: got %d rows, %v; want 2 rows", tc.name, m.Rows, err)
			}
		}
	}
}

// Standard input that is empty, or that cannot be read (closed), says so;
// before, both were "empty CSV file", though no CSV was meant and the
// read error was dropped.
func TestStdinEmptyOrUnreadable(t *testing.T) {
	if _, err := openReader(bytes.NewReader(nil), "standard input", Convention{}); err == nil || !strings.Contains(err.Error(), "standard input is empty: no .npy or CSV data") {
		t.Errorf("empty: %v", err)
	}
	bad := errors.New("bad file descriptor")
	if _, err := openReader(iotest.ErrReader(bad), "standard input", Convention{}); !errors.Is(err, bad) {
		t.Errorf("unreadable: %v, want the read error", err)
	}
}
