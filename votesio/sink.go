package votesio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Sink writes a float64 matrix row chunk by row chunk to a .npy file (or a
// .csv file with a header line) without holding it in memory. It writes to
// a temporary file beside path and renames it over path on Close, so a
// failure never leaves a partial output or clobbers an old one.
type Sink struct {
	path string
	tmp  *os.File
	w    *bufio.Writer
	csv  bool
	cols int
	rows int
	buf  []byte
}

// npyHeaderLen is the fixed size of the .npy header Sink writes (magic,
// version, length, dictionary padded with spaces): room for any shape, so
// the header is rewritten in place once the row count is known.
const npyHeaderLen = 128

// Create starts writing a matrix with cols columns to path (.csv for CSV
// with names as its header line, anything else for .npy float64).
func Create(path string, cols int, names []string) (*Sink, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	s := &Sink{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20), cols: cols,
		csv: strings.EqualFold(filepath.Ext(path), ".csv")}
	if s.csv {
		_, err = s.w.WriteString(strings.Join(names, ",") + "\n")
	} else {
		_, err = s.w.Write(npyHeader(0, cols))
	}
	if err != nil {
		s.Abort()
		return nil, err
	}
	return s, nil
}

func npyHeader(rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	h := make([]byte, npyHeaderLen)
	copy(h, "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(h[8:], npyHeaderLen-10)
	copy(h[10:], dict)
	for i := 10 + len(dict); i < npyHeaderLen-1; i++ {
		h[i] = ' '
	}
	h[npyHeaderLen-1] = '\n'
	return h
}

// Write appends whole rows (len(vals) a multiple of the column count).
func (s *Sink) Write(vals []float64) error {
	if len(vals)%s.cols != 0 {
		return fmt.Errorf("votesio: %d values is not a whole number of rows of %d", len(vals), s.cols)
	}
	if s.csv {
		for r := 0; r < len(vals); r += s.cols {
			s.buf = s.buf[:0]
			for c, x := range vals[r : r+s.cols] {
				if c > 0 {
					s.buf = append(s.buf, ',')
				}
				s.buf = strconv.AppendFloat(s.buf, x, 'g', -1, 64)
			}
			s.buf = append(s.buf, '\n')
			if _, err := s.w.Write(s.buf); err != nil {
				return err
			}
		}
	} else {
		if cap(s.buf) < 8*len(vals) {
			s.buf = make([]byte, 8*len(vals))
		}
		b := s.buf[:8*len(vals)]
		for i, x := range vals {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
		}
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	}
	s.rows += len(vals) / s.cols
	return nil
}

// Close finishes the file and renames it into place.
func (s *Sink) Close() error {
	err := s.w.Flush()
	if err == nil && !s.csv {
		_, err = s.tmp.WriteAt(npyHeader(s.rows, s.cols), 0)
	}
	if err == nil {
		err = s.tmp.Sync()
	}
	if err == nil {
		err = s.tmp.Chmod(0o644) // CreateTemp makes 0600 files
	}
	if cerr := s.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(s.tmp.Name(), s.path)
	}
	if err != nil {
		os.Remove(s.tmp.Name())
	}
	return err
}

// Abort discards the output.
func (s *Sink) Abort() {
	s.tmp.Close()
	os.Remove(s.tmp.Name())
}

// ReadFloat64 reads a whole float64 .npy array (as written by Sink) into a
// flat slice.
func ReadFloat64(r io.Reader) ([]float64, error) {
	h, err := readNpyHeader(r)
	if err != nil {
		return nil, err
	}
	if h.descr != "<f8" || h.fortran {
		return nil, fmt.Errorf("votesio: array of %s (fortran %v), want C-order <f8", h.descr, h.fortran)
	}
	n, err := h.elements()
	if err != nil {
		return nil, fmt.Errorf("votesio: %w", err)
	}
	// Read in pieces so that memory follows the bytes present, not the
	// size the header claims.
	var raw []byte
	for len(raw) < 8*n {
		piece := make([]byte, min(8*n-len(raw), 1<<20))
		if _, err := io.ReadFull(r, piece); err != nil {
			return nil, fmt.Errorf("votesio: reading data: %w (the file is truncated)", err)
		}
		raw = append(raw, piece...)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out, nil
}
