package votesio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

// rawNpy returns a version-1 .npy header with the given dtype and shape
// text, followed by data.
func rawNpy(descr, shape string, data []byte) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	return append(append(b, dict...), data...)
}

// A shape whose product overflows is an error, not a panic (old code:
// ReadFloat64 made a slice of negative length).
func TestShapeProductOverflow(t *testing.T) {
	for _, shape := range []string{"(1099511627776, 1099511627776, 1099511627776)", "(1099511627776, 1048577)"} {
		if _, err := ReadFloat64(bytes.NewReader(rawNpy("<f8", shape, nil))); err == nil || !strings.Contains(err.Error(), "2^50") {
			t.Errorf("ReadFloat64 %s: error %v", shape, err)
		}
		if _, err := ReadMatrix(bytes.NewReader(rawNpy("<i1", shape, nil)), "x.npy"); err == nil {
			t.Errorf("ReadMatrix %s: accepted", shape)
		}
	}
}

// Memory follows the bytes present, not the size a header declares (old
// code: ReadFloat64 allocated 8 bytes per declared value up front).
func TestReadFloat64BoundedByBytes(t *testing.T) {
	b := rawNpy("<f8", "(134217728,)", make([]byte, 64))
	var err error
	if got := testutil.Allocated(func() { _, err = ReadFloat64(bytes.NewReader(b)) }); got > 8<<20 {
		t.Errorf("a %d-byte file allocated %d bytes", len(b), got)
	}
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %v, want one saying the file is truncated", err)
	}
}

// Open compares the declared shape with the file's size before anything
// is read or sized from it, and caps the columns.
func TestOpenChecksDeclaredSize(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	short := write("short.npy", rawNpy("<i1", "(1000000, 5)", make([]byte, 10)))
	if _, err := Open(short, Convention{}); err == nil || !strings.Contains(err.Error(), "5000000 bytes") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated file: error %v, want one naming the declared and present sizes", err)
	}
	wide := write("wide.npy", rawNpy("<i1", "(0, 1000000000)", nil))
	if _, err := Open(wide, Convention{}); err == nil || !strings.Contains(err.Error(), "columns") {
		t.Errorf("(0, 10^9): error %v", err)
	}
	ok := write("ok.npy", rawNpy("<i1", "(2, 3)", []byte{1, 0, 255, 1, 1, 1}))
	m, err := ReadAll(ok, Convention{})
	if err != nil || m.Rows != 2 {
		t.Errorf("a whole file: %v %+v", err, m)
	}
}

// Chunk buffers are sized by a byte budget and by the file's rows, not by
// a row count alone (old code: a (0, 1600) file got a 2^20 x 1600 buffer).
func TestChunkRows(t *testing.T) {
	for _, c := range []struct {
		shape      string
		data, want int
	}{
		{"(0, 5000)", 0, 1},
		{"(0, 1600)", 0, 1},
		{"(3, 1600)", 3 * 1600, 3},
		{"(100000, 1600)", 100000 * 1600, ChunkBytes / 1600},
		{"(5000000, 20)", 5000000 * 20, 1 << 20},
	} {
		s, err := newNpySource(bytes.NewReader(rawNpy("<i1", c.shape, make([]byte, c.data))), nil, "x.npy", Convention{}, -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.ChunkRows(1 << 20); got != c.want {
			t.Errorf("%s: ChunkRows = %d, want %d", c.shape, got, c.want)
		}
	}
}

// A file with bytes after the data its header declares is refused (they
// would be rows dropped silently), and a huge dimension is named as such.
func TestNpyTrailingDataAndHugeDimension(t *testing.T) {
	dir := t.TempDir()
	write := func(name, shape string, data []byte) string {
		dict := fmt.Sprintf("{'descr': '|i1', 'fortran_order': False, 'shape': %s, }", shape)
		hdr := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
		pad := 64 - (len(hdr)+len(dict)+1)%64
		dict += strings.Repeat(" ", pad) + "\n"
		binary.LittleEndian.PutUint16(hdr[8:], uint16(len(dict)))
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, append(append(hdr, dict...), data...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	extra := write("extra.npy", "(2, 5)", make([]byte, 15))
	if _, err := Open(extra, Convention{}); err == nil || !strings.Contains(err.Error(), "5 bytes more than the shape accounts for") {
		t.Errorf("15 bytes for shape (2, 5): %v", err)
	}
	exact := write("exact.npy", "(2, 5)", make([]byte, 10))
	if src, err := Open(exact, Convention{}); err != nil {
		t.Errorf("10 bytes for shape (2, 5): %v", err)
	} else {
		src.Close()
	}
	huge := write("huge.npy", "(1000000000000000, 5)", nil)
	if _, err := Open(huge, Convention{}); err == nil || !strings.Contains(err.Error(), "limit of 2^40") {
		t.Errorf("shape (10^15, 5): %v", err)
	}
}
