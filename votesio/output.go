package votesio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckOutput checks, before any input is read, that path may receive an
// output without destroying anything: it must not exist or be a regular
// file (never a device, directory, FIFO or socket), it must not be the
// same file as any of inputs (compared by device and inode after symbolic
// links are resolved, so a link or a hard link to an input is refused),
// and its directory must exist. It returns the path to write: path with
// its symbolic links resolved, so that replacing the output updates the
// file a link points to instead of replacing the link. Empty inputs are
// ignored.
func CheckOutput(path string, inputs ...string) (string, error) {
	if path == "" {
		return "", errors.New("no output file given")
	}
	lfi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if dfi, err := os.Stat(dir); err != nil {
			return "", fmt.Errorf("output %s: directory %s: %w", path, dir, err)
		} else if !dfi.IsDir() {
			return "", fmt.Errorf("output %s: %s is not a directory", path, dir)
		}
		return path, nil
	}
	if err != nil {
		return "", fmt.Errorf("output %s: %w", path, err)
	}
	resolved := path
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if resolved, err = filepath.EvalSymlinks(path); err != nil {
			return "", fmt.Errorf("output %s is a symbolic link that leads nowhere: %w", path, err)
		}
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("output %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("output %s exists and is not a regular file (%s); outputs only create or replace regular files", path, kind(fi.Mode()))
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		stat := os.Stat
		if in == Stdin { // votes piped in from the output file
			in, stat = "on standard input", func(string) (fs.FileInfo, error) { return os.Stdin.Stat() }
		}
		if ifi, err := stat(in); err == nil && os.SameFile(fi, ifi) {
			return "", fmt.Errorf("output %s is the input %s: writing it would destroy the input; choose another output", path, in)
		}
	}
	return resolved, nil
}

// kind names the type of a file that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// AtomicFile is an output being written: a temporary file beside its
// final path, renamed over that path by Commit and removed by Abort, so a
// failure never leaves a partial output or clobbers the old file.
type AtomicFile struct {
	path string
	f    *os.File
	done bool
}

// CreateAtomic checks path with CheckOutput (without inputs: give them to
// CheckOutput first when there are any) and creates the temporary file.
func CreateAtomic(path string) (*AtomicFile, error) {
	resolved, err := CheckOutput(path)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(resolved), "."+filepath.Base(resolved)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	return &AtomicFile{path: resolved, f: f}, nil
}

// Write writes to the temporary file.
func (a *AtomicFile) Write(p []byte) (int, error) { return a.f.Write(p) }

// WriteAt writes to the temporary file at an offset.
func (a *AtomicFile) WriteAt(p []byte, off int64) (int, error) { return a.f.WriteAt(p, off) }

// TempName is the temporary file's path.
func (a *AtomicFile) TempName() string { return a.f.Name() }

// Commit syncs the temporary file and renames it over the path; on any
// failure the temporary file is removed and the old file is left as it
// was.
func (a *AtomicFile) Commit() error {
	if a.done {
		return errors.New("votesio: output already committed or aborted")
	}
	err := a.f.Sync()
	if err == nil {
		err = a.f.Chmod(0o644) // CreateTemp makes 0600 files
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	a.done = true
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("output %s: %w", a.path, err)
	}
	return nil
}

// Abort removes the temporary file; it does nothing after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// WriteFileAtomic writes a file through write into a temporary file in the
// same directory and renames it over path only when everything succeeded,
// so a failure never leaves a partial file or clobbers the old one. An
// existing path that is not a regular file is refused (CheckOutput).
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	a, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if err := write(a); err != nil {
		a.Abort()
		return err
	}
	return a.Commit()
}
