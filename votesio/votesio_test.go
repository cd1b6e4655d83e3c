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
