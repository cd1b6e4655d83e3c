package votesio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
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

// A path named neither .npy nor .csv is read by its content: votes.txt
// with CSV in it was taken for a broken .npy ("bad magic"), and so was
// --votes /dev/stdin with CSV piped in.
func TestOpenSniffsOtherNames(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "votes.txt")
	if err := os.WriteFile(csvPath, []byte("1,0,-1\n-1,1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	npyPath := filepath.Join(dir, "votes.bin")
	sink, err := Create(filepath.Join(dir, "v.npy"), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Write([]float64{1, 0, -1, -1, 1, 1}); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "v.npy"), npyPath); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{csvPath, npyPath} {
		got, err := ReadAll(path, Convention{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got.Rows != 2 || got.Cols != 3 || !slices.Equal(got.Data, []int8{1, 0, -1, -1, 1, 1}) {
			t.Errorf("%s: read %+v", path, got)
		}
	}
	// A .npy name keeps its strict check: CSV in it is not a .npy file.
	bad := filepath.Join(dir, "votes.npy")
	if err := os.WriteFile(bad, []byte("1,0,-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAll(bad, Convention{}); err == nil || !strings.Contains(err.Error(), "not a .npy file") {
		t.Errorf("CSV named .npy: error %v", err)
	}
}

// eofOnce is a terminal: its Ctrl-D ends one read, and the reads after it
// wait for (here: return) more input.
type eofOnce struct{ parts []string }

func (r *eofOnce) Read(p []byte) (int, error) {
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	part := r.parts[0]
	r.parts = r.parts[1:]
	if part == "" {
		return 0, io.EOF
	}
	return copy(p, part), nil
}

// The end of the data is remembered: after a terminal's Ctrl-D the source
// read on, and waited for a second Ctrl-D (or took what came after it).
func TestSourceEndIsSticky(t *testing.T) {
	for _, first := range []string{"1,0,-1\n", "1,0,-1\n-1,1,1\n"} {
		src, err := openReader(&eofOnce{parts: []string{first, "", "1,1,1\n"}}, "standard input", Convention{})
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		buf := make([]int8, 3*100)
		for {
			n, err := src.Next(buf)
			rows += n
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if want := strings.Count(first, "\n"); rows != want {
			t.Errorf("%q then Ctrl-D: read %d rows, want %d", first, rows, want)
		}
	}
}
