package votesio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// Sink writes a float64 matrix row chunk by row chunk to a .npy file (or a
// .csv file with a header line) without holding it in memory. It writes to
// a temporary file beside path and renames it over path on Close, so a
// failure never leaves a partial output or clobbers an old one. A Sink from
// NewCSVSink writes CSV to any writer instead (standard output).
type Sink struct {
	file *AtomicFile // nil for NewCSVSink
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
// with names as its header line, anything else for .npy float64). An
// existing path that is not a regular file is refused (CheckOutput).
func Create(path string, cols int, names []string) (*Sink, error) {
	a, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	s, err := newSink(a, strings.EqualFold(filepath.Ext(path), ".csv"), cols, names)
	if err != nil {
		a.Abort()
		return nil, err
	}
	s.file = a
	return s, nil
}

// NewCSVSink writes a matrix with cols columns as CSV (names as its header
// line) to w, for example standard output. Close flushes it; Abort leaves
// what was written.
func NewCSVSink(w io.Writer, cols int, names []string) (*Sink, error) {
	return newSink(w, true, cols, names)
}

func newSink(w io.Writer, csv bool, cols int, names []string) (*Sink, error) {
	if cols < 1 {
		return nil, fmt.Errorf("votesio: output of %d columns", cols)
	}
	s := &Sink{w: bufio.NewWriterSize(w, readerBytes), cols: cols, csv: csv}
	var err error
	if s.csv {
		_, err = s.w.WriteString(strings.Join(names, ",") + "\n")
	} else {
		_, err = s.w.Write(npyHeader(0, cols))
	}
	return s, err
}

func npyHeader(rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	h := make([]byte, npyHeaderLen)
	copy(h, npyMagic+"\x01\x00")
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
	rows := len(vals) / s.cols
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
		// Encode and write a block at a time: the buffer stays small and
		// in the cache whatever the size of vals.
		if n := 8 * min(len(vals), blockBytes/8); cap(s.buf) < n {
			s.buf = make([]byte, n)
		}
		for len(vals) > 0 {
			part := vals[:min(len(vals), cap(s.buf)/8)]
			b := s.buf[:8*len(part)]
			for i, x := range part {
				binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
			}
			if _, err := s.w.Write(b); err != nil {
				return err
			}
			vals = vals[len(part):]
		}
	}
	s.rows += rows
	return nil
}

// Close finishes the file and renames it into place (or flushes the
// writer of NewCSVSink).
func (s *Sink) Close() error {
	err := s.w.Flush()
	if s.file == nil {
		return err
	}
	if err == nil && !s.csv {
		_, err = s.file.WriteAt(npyHeader(s.rows, s.cols), 0)
	}
	if err != nil {
		s.file.Abort()
		return err
	}
	return s.file.Commit()
}

// Abort discards the output file.
func (s *Sink) Abort() {
	if s.file != nil {
		s.file.Abort()
	}
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
