package votesio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

func npyBytes(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := npyio.Write(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadMatrixDtypes(t *testing.T) {
	want := []int8{1, 0, -1, -1}
	for name, v := range map[string]any{
		"int8":    want,
		"int64":   []int64{1, 0, -1, -1},
		"int32":   []int32{1, 0, -1, -1},
		"float64": []float64{1, 0, -1, -1},
		"float32": []float32{1, 0, -1, -1},
	} {
		m, err := ReadMatrix(bytes.NewReader(npyBytes(t, v)), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Rows != 4 || m.Cols != 1 || !slices.Equal(m.Data, want) {
			t.Errorf("%s: read %+v", name, m)
		}
	}
	m, err := ReadMatrix(bytes.NewReader(npyBytes(t, mat.NewDense(2, 2, []float64{1, -1, 0, 1}))), "2d")
	if err != nil || m.Rows != 2 || m.Cols != 2 || !slices.Equal(m.Data, []int8{1, -1, 0, 1}) {
		t.Errorf("2-D: %+v %v", m, err)
	}
}

func TestReadMatrixErrors(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"out of range":  {npyBytes(t, mat.NewDense(2, 2, []float64{1, -1, 0, 3})), "row 1, column 1 is 3"},
		"fraction":      {npyBytes(t, []float64{1, 0.5}), "row 1, column 0 is 0.5"},
		"int64 huge":    {npyBytes(t, []int64{1, 1 << 40}), "row 1, column 0"},
		"not npy":       {[]byte("hello world, not a numpy file at all"), "not a .npy file"},
		"complex dtype": {npyBytes(t, []complex128{1}), "unsupported dtype"},
		"truncated":     {npyBytes(t, []float64{1, 0, 1, 1})[:100], "reading data"},
	} {
		_, err := ReadMatrix(bytes.NewReader(c.data), name)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	os.WriteFile(path, []byte("old"), 0o644)
	err := WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("failed write changed the file to %q", b)
	}
	if err := WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file is %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestStreamingRoundTrip(t *testing.T) {
	dir := t.TempDir()
	// .npy and .csv outputs written in chunks, read back by npyio and by Source.
	for _, name := range []string{"out.npy", "out.csv"} {
		path := filepath.Join(dir, name)
		s, err := Create(path, 2, []string{"p0", "p1"})
		if err != nil {
			t.Fatal(err)
		}
		s.Write([]float64{0.25, 0.75})
		s.Write([]float64{1, 0, 0.5, 0.5})
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if name == "out.npy" {
			f, _ := os.Open(path)
			var m mat.Dense
			if err := npyio.Read(f, &m); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if r, c := m.Dims(); r != 3 || c != 2 || m.At(2, 1) != 0.5 {
				t.Errorf("npy output reads as %v", mat.Formatted(&m))
			}
		} else if b, _ := os.ReadFile(path); string(b) != "p0,p1\n0.25,0.75\n1,0\n0.5,0.5\n" {
			t.Errorf("csv output %q", b)
		}
	}
	// CSV input: header optional, Snorkel convention, chunked reads.
	csvPath := filepath.Join(dir, "votes.csv")
	os.WriteFile(csvPath, []byte("lf_a,lf_b,lf_c\n1,0,-1\n-1,-1,1\n0,1,1\n"), 0o644)
	m, err := ReadAll(csvPath, Convention{Abstain: -1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 3 || m.Cols != 3 || !slices.Equal(m.Data, []int8{1, -1, 0, 0, 0, 1, -1, 1, 1}) {
		t.Errorf("snorkel csv read as %+v", m)
	}
	os.WriteFile(csvPath, []byte("1,0,-1\n-1,2,1\n"), 0o644)
	if _, err := ReadAll(csvPath, Convention{}); err == nil || !strings.Contains(err.Error(), "row 1, column 1 is 2") {
		t.Errorf("bad csv value: %v", err)
	}
	os.WriteFile(csvPath, []byte("0,2,-1\n3,1,1\n"), 0o644)
	if m, err := ReadAll(csvPath, Convention{Abstain: -1, Classes: 4}); err != nil || !slices.Equal(m.Data, []int8{0, 2, -1, 3, 1, 1}) {
		t.Errorf("multiclass csv: %v %+v", err, m)
	}
	os.WriteFile(csvPath, []byte("1,0\n1\n"), 0o644)
	if _, err := ReadAll(csvPath, Convention{}); err == nil || !strings.Contains(err.Error(), "fields") {
		t.Errorf("ragged csv: %v", err)
	}
	// A .npy file streamed in chunks of 7 rows equals the whole.
	data := make([]float64, 100*3)
	for i := range data {
		data[i] = float64(i%3 - 1)
	}
	npyPath := filepath.Join(dir, "v.npy")
	f, _ := os.Create(npyPath)
	npyio.Write(f, mat.NewDense(100, 3, data))
	f.Close()
	src, err := Open(npyPath, Convention{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var all []int8
	chunk := make([]int8, 7*3)
	for {
		n, err := src.Next(chunk)
		all = append(all, chunk[:n*3]...)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
	}
	if len(all) != 300 || all[299] != 1 || all[0] != -1 {
		t.Errorf("streamed %d values", len(all))
	}
}
