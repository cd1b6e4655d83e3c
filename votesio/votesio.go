// Package votesio reads vote and label matrices from NumPy .npy files and
// writes outputs atomically. Votes may be stored as int8, any other integer
// type or float64 (as FlyingSquid users often save them); every value must
// be -1, 0 or +1, and the first one that is not is reported by row and
// column.
package votesio

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/squid-ws/squid/labelmodel"
)

// Matrix is a 2-D array of small integers read from a .npy file.
type Matrix struct {
	Rows, Cols int
	Data       []int8 // row-major
}

// ReadMatrix reads a 1-D (n,) or 2-D (n, k) array whose values are all -1,
// 0 or +1. A 1-D array is read as n x 1. name labels errors (a file name).
func ReadMatrix(r io.Reader, name string) (Matrix, error) {
	rd, err := npy.NewReader(r)
	if err != nil {
		return Matrix{}, fmt.Errorf("%s: not a .npy file: %v", name, err)
	}
	shape := rd.Header.Descr.Shape
	var rows, cols int
	switch len(shape) {
	case 1:
		rows, cols = shape[0], 1
	case 2:
		rows, cols = shape[0], shape[1]
	default:
		return Matrix{}, fmt.Errorf("%s: array has shape %v, want (n,) or (n, m)", name, shape)
	}
	if rd.Header.Descr.Fortran {
		return Matrix{}, fmt.Errorf("%s: array is in Fortran order; save it with np.ascontiguousarray", name)
	}
	vals, err := readAsFloat(rd, rows*cols, name)
	if err != nil {
		return Matrix{}, err
	}
	m := Matrix{Rows: rows, Cols: cols, Data: make([]int8, rows*cols)}
	for k, x := range vals {
		r, c := k/cols, k%cols
		if x != -1 && x != 0 && x != 1 {
			return Matrix{}, fmt.Errorf("%s: value at row %d, column %d is %v, want -1, 0 or +1", name, r, c, x)
		}
		m.Data[r*cols+c] = int8(x)
	}
	return m, nil
}

// readAsFloat reads n values of any supported integer or float dtype.
func readAsFloat(rd *npy.Reader, n int, name string) ([]float64, error) {
	t := strings.Trim(rd.Header.Descr.Type, `'"`)
	if len(t) < 2 {
		return nil, fmt.Errorf("%s: unsupported dtype %q", name, t)
	}
	out := make([]float64, n)
	var err error
	switch t[1:] {
	case "i1":
		var v []int8
		if err = rd.Read(&v); err == nil {
			for k, x := range v {
				out[k] = float64(x)
			}
		}
	case "i2":
		var v []int16
		if err = rd.Read(&v); err == nil {
			for k, x := range v {
				out[k] = float64(x)
			}
		}
	case "i4":
		var v []int32
		if err = rd.Read(&v); err == nil {
			for k, x := range v {
				out[k] = float64(x)
			}
		}
	case "i8":
		var v []int64
		if err = rd.Read(&v); err == nil {
			for k, x := range v {
				out[k] = float64(max(min(x, 1<<50), -1<<50))
			}
		}
	case "f4":
		var v []float32
		if err = rd.Read(&v); err == nil {
			for k, x := range v {
				out[k] = float64(x)
			}
		}
	case "f8":
		var v []float64
		if err = rd.Read(&v); err == nil {
			copy(out, v)
		}
	default:
		return nil, fmt.Errorf("%s: unsupported dtype %q (want an integer or float array)", name, t)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading data: %v", name, err)
	}
	for k, x := range out {
		if math.IsNaN(x) {
			return nil, fmt.Errorf("%s: value %d is NaN", name, k)
		}
	}
	return out, nil
}

// ReadVotesFile reads an n x m vote matrix from a .npy file.
func ReadVotesFile(path string) (labelmodel.Votes, error) {
	f, err := os.Open(path)
	if err != nil {
		return labelmodel.Votes{}, err
	}
	defer f.Close()
	m, err := ReadMatrix(f, path)
	if err != nil {
		return labelmodel.Votes{}, err
	}
	return labelmodel.Votes{N: m.Rows, M: m.Cols, Data: m.Data}, nil
}

// ReadLabelsFile reads gold labels (n,) or (n, v) from a .npy file.
func ReadLabelsFile(path string) (Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return Matrix{}, err
	}
	defer f.Close()
	return ReadMatrix(f, path)
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
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
