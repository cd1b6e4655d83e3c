// Package votesio reads vote and label matrices from NumPy .npy and CSV
// files, whole or streamed in chunks, and writes outputs (.npy or CSV)
// atomically, also in chunks. Votes may be stored as int8, any other
// integer type or floats (as FlyingSquid users often save them); the
// Convention maps file values to squid's votes (FlyingSquid's -1/0/+1 with
// 0 = abstain, or Snorkel's with -1 = abstain), and the first value that
// does not fit is reported by row and column.
package votesio

import (
	"io"
	"os"
	"path/filepath"

	"github.com/squid-ws/squid/labelmodel"
)

// Matrix is a 2-D array of small integers read from a .npy file.
type Matrix struct {
	Rows, Cols int
	Data       []int8 // row-major
}

// ReadMatrix reads a whole 1-D (n,) or 2-D (n, k) .npy array whose values
// are all -1, 0 or +1 (FlyingSquid's convention). A 1-D array is read as
// n x 1. name labels errors (a file name).
func ReadMatrix(r io.Reader, name string) (Matrix, error) {
	s, err := newNpySource(r, name, Convention{}, -1)
	if err != nil {
		return Matrix{}, err
	}
	return readAll(s)
}

// ReadVotesFile reads a binary vote matrix (.npy or .csv) in FlyingSquid's
// convention.
func ReadVotesFile(path string) (labelmodel.Votes, error) {
	m, err := ReadAll(path, Convention{})
	return labelmodel.Votes{N: m.Rows, M: m.Cols, Data: m.Data}, err
}

// WriteFileAtomic writes a file through write into a temporary file in the
// same directory and renames it over path only when everything succeeded,
// so a failure never leaves a partial file or clobbers the old one.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600 files
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
