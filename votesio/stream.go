package votesio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Convention says how the values in a file map to squid's votes.
type Convention struct {
	// Abstain is the value that means "abstain" in the file: 0 for
	// FlyingSquid's binary convention (-1, 0 = abstain, +1), -1 for
	// Snorkel's (-1 = abstain; binary 0 = negative, 1 = positive).
	Abstain int
	// Classes is the number of classes of a multiclass file (votes are
	// classes 0..Classes-1 and squid's abstain is -1); 0 or 2 means binary.
	Classes int
	// Header says whether the first line of a CSV file is a header.
	Header Header
	// labels is set for gold labels, which never abstain (ReadLabels).
	labels bool
}

// Header says how the first line of a CSV file is read. No line is ever
// skipped silently: a field that is not a number anywhere else is an error.
type Header int

const (
	// HeaderAuto reads line 1 as a header when none of its fields is a
	// number, and as the first row of data otherwise.
	HeaderAuto Header = iota
	// HeaderPresent always reads line 1 as a header.
	HeaderPresent
	// HeaderAbsent always reads line 1 as data.
	HeaderAbsent
)

// Binary reports whether the convention is for binary votes.
func (c Convention) Binary() bool { return c.Classes <= 2 }

func (c Convention) validate() error {
	if c.Classes < 0 || c.Classes > 127 {
		return fmt.Errorf("votesio: %d classes: votes are int8, at most 127 classes", c.Classes)
	}
	if c.Header < HeaderAuto || c.Header > HeaderAbsent {
		return fmt.Errorf("votesio: unknown CSV header mode %d", c.Header)
	}
	return nil
}

// vote maps a file value to squid's vote, or reports it invalid.
func (c Convention) vote(x float64) (int8, bool) {
	if x != math.Trunc(x) || math.Abs(x) > 1000 {
		return 0, false
	}
	v := int(x)
	if c.labels && v == c.Abstain {
		return 0, false // a gold label cannot abstain
	}
	if c.Binary() {
		switch {
		case v == c.Abstain:
			return 0, true
		case c.Abstain == 0 && (v == 1 || v == -1):
			return int8(v), true
		case c.Abstain != 0 && (v == 0 || v == 1):
			return int8(2*v - 1), true // Snorkel: 0 negative, 1 positive
		}
		return 0, false
	}
	switch {
	case v == c.Abstain:
		return -1, true
	case v >= 0 && v < c.Classes:
		return int8(v), true
	}
	return 0, false
}

// want says what the convention accepts in place of the value x; for gold
// labels, the abstain note only when x is the abstain value.
func (c Convention) want(x float64) string {
	if c.labels {
		return c.wantLabel(x)
	}
	if c.Binary() {
		if c.Abstain == 0 {
			return "-1, +1 or 0 (abstain)"
		}
		return fmt.Sprintf("0 (negative), 1 (positive) or %d (abstain)", c.Abstain)
	}
	return fmt.Sprintf("a class in [0, %d) or %d (abstain)", c.Classes, c.Abstain)
}

// Source streams an n x m matrix of votes from a .npy or .csv file, a
// chunk of rows at a time, so files larger than memory can be read.
type Source struct {
	Name string
	Cols int
	// Rows is the number of rows, or -1 when unknown before the end (CSV).
	Rows  int
	conv  Convention
	row   int  // rows read so far
	ended bool // the data ended (io.EOF): Next reads no more
	// read fills dst with up to len(dst)/Cols rows of votes; a value that
	// the convention rejects is a *ValueError.
	read func(dst []int8) (rows int, err error)
	c    io.Closer
}

// Stdin is the path that names standard input: Open("-") streams the
// votes piped in, .npy or CSV told apart by the .npy magic bytes.
const Stdin = "-"

// InputName is how errors name the input at path: "standard input" for
// Stdin, the path otherwise.
func InputName(path string) string {
	if path == Stdin {
		return "standard input"
	}
	return path
}

// Open opens path (.npy, or .csv with an optional header line) for
// streaming with the given convention; path Stdin reads standard input.
// A path named neither .npy nor .csv (votes.txt, /dev/stdin) is read as
// .npy when it starts with the .npy magic bytes and as CSV otherwise.
func Open(path string, conv Convention) (*Source, error) {
	if err := conv.validate(); err != nil {
		return nil, err
	}
	if path == Stdin {
		return openReader(os.Stdin, InputName(path), conv)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var s *Source
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".csv" {
		s, err = newCSVSource(f, path, conv)
	} else {
		size := int64(-1)
		var ra io.ReaderAt // a regular file is read in parallel parts
		if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
			size, ra = st.Size(), f
		}
		if ext == ".npy" {
			s, err = newNpySource(bufio.NewReaderSize(f, readerBytes), ra, path, conv, size)
		} else { // votes.txt, /dev/stdin, a FIFO: told apart by content
			s, err = openSniffed(f, ra, path, conv, size)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s.c = f
	return s, nil
}

// NewSource streams votes from r; name (a file name or URL) labels errors
// and its extension chooses the format: .csv for CSV, .npy otherwise.
// Closing the source does not close r.
func NewSource(r io.Reader, name string, conv Convention) (*Source, error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return newCSVSource(r, name, conv)
	}
	return newNpySource(bufio.NewReaderSize(r, readerBytes), nil, name, conv, -1)
}

// openReader streams votes from r, a .npy stream when it starts with the
// .npy magic bytes and CSV otherwise; closing the source leaves r open.
func openReader(r io.Reader, name string, conv Convention) (*Source, error) {
	return openSniffed(r, nil, name, conv, -1)
}

// openSniffed is openReader for a file that may be regular (ra and size
// set, as for newNpySource).
func openSniffed(r io.Reader, ra io.ReaderAt, name string, conv Convention, size int64) (*Source, error) {
	br := bufio.NewReaderSize(r, readerBytes)
	head, err := br.Peek(len(npyMagic))
	switch {
	case string(head) == npyMagic:
		return newNpySource(br, ra, name, conv, size)
	case len(head) == 0 && err == io.EOF:
		return nil, fmt.Errorf("%s is empty: no .npy or CSV data came", name)
	case len(head) == 0:
		return nil, fmt.Errorf("reading %s: %w", name, err) // closed, or not readable
	}
	return newCSVSource(br, name, conv)
}

// MaxCols is the most columns (LFs) a vote file may declare: a header
// of a few bytes could otherwise declare (0, 10^9) and make every reader
// size per-column state from it.
const MaxCols = 1 << 16

// blockBytes is how many bytes of a .npy file's data are read and decoded
// at a time: small enough to stay in the cache between read() filling the
// buffer and the decoder reading it, large enough that the system call per
// block costs little. readerBytes, the buffer the header is read through,
// is smaller, so that reads of whole blocks bypass it.
const (
	blockBytes  = 256 << 10
	readerBytes = 64 << 10
)

// ChunkBytes is the memory budget of one chunk of votes: ChunkRows never
// asks for more rows than this many int8 votes hold.
const ChunkBytes = 64 << 20

// ChunkRows returns how many rows to read at a time: at most maxRows, at
// most what ChunkBytes holds (and at least one row), and no more than the
// file's rows when its header says how many. Buffers sized by it follow
// the input, not a row count: a (0, 5000) .npy gets a one-row buffer,
// not 2^20 x 5000 bytes.
func (s *Source) ChunkRows(maxRows int) int {
	rows := min(maxRows, max(1, ChunkBytes/s.Cols))
	if s.Rows >= 0 {
		rows = min(rows, max(1, s.Rows))
	}
	return max(rows, 1)
}

// Close closes the file.
func (s *Source) Close() error {
	if s.c == nil {
		return nil
	}
	return s.c.Close()
}

// Next reads up to len(dst)/Cols rows into dst and returns how many; it
// returns 0 and io.EOF at the end. A bad value is an error naming its row
// and column.
func (s *Source) Next(dst []int8) (int, error) {
	want := len(dst) / s.Cols
	if want == 0 {
		return 0, fmt.Errorf("%s: buffer of %d values holds no row of %d", s.Name, len(dst), s.Cols)
	}
	if s.ended {
		return 0, io.EOF
	}
	n, err := s.read(dst[:want*s.Cols])
	s.row += n
	if n == 0 && err == nil {
		err = io.EOF
	}
	if errors.Is(err, io.EOF) {
		// The end is remembered: a terminal's Ctrl-D ends one read only,
		// and reading on would wait for a second one.
		s.ended = true
		if n > 0 {
			err = nil
		}
	}
	return n, err
}

// badValue is the error for the value x at index k of the chunk that
// starts at the source's current row.
func (s *Source) badValue(k int, x float64) error {
	return &ValueError{File: s.Name, Row: s.row + k/s.Cols, Column: k % s.Cols, Value: formatValue(x), Want: s.conv.want(x)}
}

// newNpySource reads the header and returns a source over the data.
// fileSize, when not -1, is the size of the whole file, checked against
// the header's shape. ra, when not nil, is the whole file (r reads it from
// its start): the data are then read from it at their offsets.
func newNpySource(r io.Reader, ra io.ReaderAt, name string, conv Convention, fileSize int64) (*Source, error) {
	if err := conv.validate(); err != nil {
		return nil, err
	}
	h, err := readNpyHeader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: not a .npy file: %w", name, err)
	}
	if h.fortran {
		return nil, fmt.Errorf("%s: array is in Fortran order; save it with np.ascontiguousarray", name)
	}
	shape := h.shape
	s := &Source{Name: name, conv: conv}
	switch len(shape) {
	case 1:
		s.Rows, s.Cols = shape[0], 1
	case 2:
		s.Rows, s.Cols = shape[0], shape[1]
	default:
		return nil, fmt.Errorf("%s: array has shape %v, want (n,) or (n, m)", name, shape)
	}
	if s.Cols == 0 || s.Cols > MaxCols {
		return nil, fmt.Errorf("%s: array shape %v has %d columns, want 1 to %d", name, shape, s.Cols, MaxCols)
	}
	dt := h.descr
	if len(dt) < 3 {
		return nil, fmt.Errorf("%s: unsupported dtype %q", name, dt)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if dt[0] == '>' {
		order = binary.BigEndian
	}
	size, err := strconv.Atoi(dt[2:])
	if err != nil || (dt[1] != 'i' && dt[1] != 'u' && dt[1] != 'f') || (dt[1] == 'f' && size != 4 && size != 8) || (size != 1 && size != 2 && size != 4 && size != 8) {
		return nil, fmt.Errorf("%s: unsupported dtype %q (want an integer or float array)", name, dt)
	}
	data := int64(-1)
	if fileSize >= 0 {
		data = fileSize - h.size
	}
	if err := h.checkData(size, data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	decode := decoder(dt[1], size, order)
	// One-byte dtypes (the usual int8 votes) convert through a table.
	var table [256]int16
	for b := 0; b < 256 && size == 1; b++ {
		x := decode([]byte{byte(b)})
		table[b] = -1000
		if v, ok := conv.vote(x); ok {
			table[b] = int16(v)
		}
	}
	var fast func(dst []int8, raw []byte) bool
	if dt == "<f8" {
		fast = float64Votes(conv)
	}
	// Decode one block of raw values into dst; at is the index of its
	// first value in the chunk, for the error's row and column.
	block := func(dst []int8, raw []byte, at int) error {
		if size == 1 {
			for k, b := range raw {
				v := table[b]
				if v == -1000 {
					return s.badValue(at+k, decode(raw[k:]))
				}
				dst[k] = int8(v)
			}
			return nil
		}
		if fast != nil && fast(dst, raw) {
			return nil
		}
		for k := range dst {
			x := decode(raw[k*size:])
			v, ok := conv.vote(x)
			if !ok {
				return s.badValue(at+k, x)
			}
			dst[k] = v
		}
		return nil
	}
	d := &npyData{name: name, r: r, ra: ra, off: h.size, size: size, cols: s.Cols, left: s.Rows * s.Cols, block: block}
	s.read = d.read
	return s, nil
}

// readDataError says why the data of a file could not be read; it says the
// file is truncated only when it ended early (an io.EOF there is wrapped as
// io.ErrUnexpectedEOF, so no caller takes it for the normal end).
func readDataError(name string, err error) error {
	if err = unexpected(err); errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: reading data: %w (the file is truncated)", name, err)
	}
	return fmt.Errorf("%s: reading data: %w", name, err)
}

// unexpected turns io.EOF (a file that ended before a part that must be
// there) into io.ErrUnexpectedEOF, so no caller takes it for the normal end
// of the data; other errors are returned as they are.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func decoder(kind byte, size int, order binary.ByteOrder) func([]byte) float64 {
	switch {
	case kind == 'f' && size == 8:
		return func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }
	case kind == 'f':
		return func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }
	case size == 1 && kind == 'i':
		return func(b []byte) float64 { return float64(int8(b[0])) }
	case size == 1:
		return func(b []byte) float64 { return float64(b[0]) }
	case size == 2 && kind == 'i':
		return func(b []byte) float64 { return float64(int16(order.Uint16(b))) }
	case size == 2:
		return func(b []byte) float64 { return float64(order.Uint16(b)) }
	case size == 4 && kind == 'i':
		return func(b []byte) float64 { return float64(int32(order.Uint32(b))) }
	case size == 4:
		return func(b []byte) float64 { return float64(order.Uint32(b)) }
	case kind == 'i':
		return func(b []byte) float64 { return float64(int64(order.Uint64(b))) }
	default:
		return func(b []byte) float64 { return float64(order.Uint64(b)) }
	}
}

// ReadAll reads a whole file (.npy or .csv).
func ReadAll(path string, conv Convention) (Matrix, error) {
	s, err := Open(path, conv)
	if err != nil {
		return Matrix{}, err
	}
	defer s.Close()
	return readAll(s)
}

func readAll(s *Source) (Matrix, error) {
	m := Matrix{Cols: s.Cols}
	chunk := make([]int8, max(1, 1<<20/s.Cols)*s.Cols)
	for {
		n, err := s.Next(chunk)
		m.Data = append(m.Data, chunk[:n*s.Cols]...)
		m.Rows += n
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return Matrix{}, err
		}
	}
}
