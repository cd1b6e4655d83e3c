package votesio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// A .npy file is read in blocks of blockBytes: files of several blocks
// whose chunks end inside a block, of float64, int16 and int8 dtypes, give
// the votes value by value, and a bad value anywhere (in the first block,
// just past a block boundary, in the last value) is reported at its own
// row and column; the first in file order when there are two. So from a
// reader (in order) and from a regular file (in parallel parts, on 1 to 4
// cores).
func TestNpyBlocks(t *testing.T) {
	dir := t.TempDir()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 3, 4} {
		runtime.GOMAXPROCS(procs)
		npyBlocks(t, func(file []byte) (*Source, error) {
			path := filepath.Join(dir, "L.npy")
			if err := os.WriteFile(path, file, 0o644); err != nil {
				t.Fatal(err)
			}
			return Open(path, Convention{})
		})
	}
	npyBlocks(t, func(file []byte) (*Source, error) {
		return NewSource(bytes.NewReader(file), "L.npy", Convention{})
	})
}

func npyBlocks(t *testing.T, open func(file []byte) (*Source, error)) {
	const cols = 7
	rows := 2*blockBytes/cols + 5 // more than two blocks of int8, 16 of float64
	rng := rand.New(rand.NewPCG(5, 6))
	want := make([]int8, rows*cols)
	for i := range want {
		want[i] = int8(rng.IntN(3) - 1)
	}
	shape := "(" + strconv.Itoa(rows) + ", " + strconv.Itoa(cols) + ")"
	for _, dt := range []struct {
		descr string
		size  int
		put   func(b []byte, x float64)
	}{
		{"<f8", 8, func(b []byte, x float64) { binary.LittleEndian.PutUint64(b, math.Float64bits(x)) }},
		{"<i2", 2, func(b []byte, x float64) { binary.LittleEndian.PutUint16(b, uint16(int16(x))) }},
		{"|i1", 1, func(b []byte, x float64) { b[0] = byte(int8(x)) }},
	} {
		data := make([]byte, dt.size*len(want))
		for i, v := range want {
			dt.put(data[dt.size*i:], float64(v))
		}
		for _, chunkRows := range []int{rows, 1000, 37} {
			got := readChunks(t, open, rawNpy(dt.descr, shape, data), chunkRows, cols)
			if !bytes.Equal(i8bytes(got), i8bytes(want)) {
				t.Fatalf("%s, chunks of %d rows: votes differ", dt.descr, chunkRows)
			}
		}
		per := blockBytes / dt.size
		for _, at := range []int{0, per - 1, per, per + 1, 2*per + 3, len(want) - 1} {
			bad := bytes.Clone(data)
			dt.put(bad[dt.size*at:], 3)
			dt.put(bad[dt.size*(len(want)-1):], 2) // a later one, in another part
			if at == len(want)-1 {
				dt.put(bad[dt.size*at:], 3)
			}
			for _, chunkRows := range []int{rows, 1000} {
				s, err := open(rawNpy(dt.descr, shape, bad))
				if err != nil {
					t.Fatal(err)
				}
				dst := make([]int8, chunkRows*cols)
				for err == nil {
					_, err = s.Next(dst)
				}
				s.Close()
				var ve *ValueError
				if !errors.As(err, &ve) || ve.Row != at/cols || ve.Column != at%cols || ve.Value != "3" {
					t.Errorf("%s, chunks of %d rows, 3 at value %d (row %d, column %d): %v", dt.descr, chunkRows, at, at/cols, at%cols, err)
				}
			}
		}
	}
}

// readChunks reads a whole .npy file through Source chunkRows rows at a
// time, checking that every chunk but the last is full.
func readChunks(t *testing.T, open func([]byte) (*Source, error), file []byte, chunkRows, cols int) []int8 {
	t.Helper()
	s, err := open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var all []int8
	dst := make([]int8, chunkRows*cols)
	for {
		n, err := s.Next(dst)
		all = append(all, dst[:n*cols]...)
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
		if n != chunkRows && s.row != s.Rows {
			t.Fatalf("short chunk of %d rows at row %d", n, s.row)
		}
	}
}

// Sink encodes a large Write a block at a time: a write of several blocks
// whose end falls inside a block, then a small one, read back exactly.
func TestSinkBlocks(t *testing.T) {
	const cols = 3
	want := make([]float64, cols*(blockBytes/8+11))
	for i := range want {
		want[i] = float64(i) / 7
	}
	path := t.TempDir() + "/p.npy"
	s, err := Create(path, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(want[:len(want)-cols]); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(want[len(want)-cols:]); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFloat64(bytes.NewReader(b))
	if err != nil || len(got) != len(want) {
		t.Fatalf("%d values, %v; want %d", len(got), err, len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("value %d: %v, want %v", i, got[i], want[i])
		}
	}
}
