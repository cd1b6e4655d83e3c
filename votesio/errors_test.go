package votesio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"gonum.org/v1/gonum/mat"
)

// A bad .npy value is a *ValueError a caller can find with errors.As.
func TestNpyValueError(t *testing.T) {
	_, err := ReadMatrix(bytes.NewReader(npyBytes(t, mat.NewDense(2, 3, []float64{1, 0, -1, 1, 1, 2.5}))), "L.npy")
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("%v is not a *ValueError", err)
	}
	if *ve != (ValueError{File: "L.npy", Row: 1, Column: 2, Value: "2.5", Want: "-1, +1 or 0 (abstain)"}) {
		t.Errorf("%+v", *ve)
	}
}

// A truncated file wraps io.ErrUnexpectedEOF and says so; any other read
// error is wrapped as it is and does not claim the file is truncated.
func TestReadErrorsAreWrapped(t *testing.T) {
	full := npyBytes(t, []float64{1, 0, 1, 1})
	for _, cut := range []int{len(full) - 8*4, len(full) - 3} { // no data at all; part of it
		_, err := ReadMatrix(bytes.NewReader(full[:cut]), "L.npy")
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut at %d: %v, want io.ErrUnexpectedEOF and 'truncated'", cut, err)
		}
	}
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(full[:len(full)-16]), iotest.ErrReader(boom))
	_, err := ReadMatrix(r, "L.npy")
	if !errors.Is(err, boom) || strings.Contains(err.Error(), "truncated") {
		t.Errorf("I/O error: %v, want it wrapped and not called truncation", err)
	}
	_, err = ReadMatrix(iotest.ErrReader(boom), "L.npy")
	if !errors.Is(err, boom) {
		t.Errorf("header I/O error: %v, want it wrapped", err)
	}
}

// Gold labels in a float64 .npy (the fast decoding path) are held to the
// same rule: 0 is not a label.
func TestReadLabelsFloat64Npy(t *testing.T) {
	path := t.TempDir() + "/Y.npy"
	if err := os.WriteFile(path, npyBytes(t, []float64{1, -1, 0, 1}), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLabels(path, Convention{})
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Row != 2 || ve.File != path || !strings.Contains(err.Error(), "cannot be 0") {
		t.Errorf("%v, want a ValueError at row 2 saying 0 is not a label", err)
	}
}
