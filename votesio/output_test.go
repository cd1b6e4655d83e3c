//go:build unix

package votesio

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

// An output is never an input (by any name) nor an existing non-file, and
// its directory must exist.
func TestCheckOutputRefuses(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "L.npy")
	os.WriteFile(in, []byte("votes"), 0o644)
	hard := filepath.Join(dir, "hard.npy")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	soft := filepath.Join(dir, "soft.json")
	os.Symlink(in, soft)
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink(filepath.Join(dir, "nowhere", "x"), dangling)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for name, c := range map[string]struct{ out, want string }{
		"same path":      {in, "is the input"},
		"other spelling": {filepath.Join(dir, ".", "sub", "..", "L.npy"), "is the input"},
		"hard link":      {hard, "is the input"},
		"symbolic link":  {soft, "is the input"},
		"directory":      {dir, "a directory"},
		"fifo":           {fifo, "a FIFO"},
		"device":         {testutil.CharDevice(t), "a character device"},
		"missing dir":    {filepath.Join(dir, "no", "out.json"), "no such file"},
		"dir is a file":  {filepath.Join(in, "out.json"), "not a directory"},
		"dangling link":  {dangling, "leads nowhere"},
		"empty":          {"", "no output"},
	} {
		_, err := CheckOutput(c.out, "", in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != "votes" {
		t.Errorf("input changed to %q", b)
	}
}

// WriteFileAtomic and Create refuse a non-file output themselves: a device
// node or a FIFO is never replaced by a regular file.
func TestWritersRefuseNonFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o644)
	for _, out := range []string{fifo, testutil.CharDevice(t), dir} {
		err := WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write([]byte("x")); return err })
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("WriteFileAtomic %s: %v", out, err)
		}
		if s, err := Create(out, 2, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Create %s: %v", out, err)
			if s != nil {
				s.Abort()
			}
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files left behind: %v", ents)
	}
}

// An output that is a symbolic link to a regular file is written through
// the link: the target is replaced, the link stays.
func TestOutputThroughLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "model.json")
	os.Symlink(target, link)
	if err := WriteFileAtomic(link, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target is %q", b)
	}
	s, err := Create(link, 1, []string{"p"})
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]float64{0.5})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("Create replaced the link")
	}
}
