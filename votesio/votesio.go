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
	s, err := newNpySource(r, nil, name, Convention{}, -1)
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

// ReadLabels reads a whole file of gold labels (.npy or .csv) under conv:
// the values of votes except the abstain value, which a gold label cannot
// be (FlyingSquid's 0, Snorkel's -1). A bad label is a *ValueError naming
// the labels' file.
func ReadLabels(path string, conv Convention) (Matrix, error) {
	conv.labels = true
	return ReadAll(path, conv)
}
