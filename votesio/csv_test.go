package votesio

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readCSV reads text as a CSV file through Open in chunks of 2 rows (so the
// streaming path is the one tested) and returns the votes and row count.
func readCSV(t *testing.T, text string, conv Convention) (Matrix, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "L.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(path, conv)
	if err != nil {
		return Matrix{}, err
	}
	defer src.Close()
	m := Matrix{Cols: src.Cols}
	buf := make([]int8, 2*src.Cols)
	for {
		n, err := src.Next(buf)
		m.Data = append(m.Data, buf[:n*src.Cols]...)
		m.Rows += n
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return m, err
		}
	}
}

// Rows in equal rows out: a byte-order mark or a typo in line 1 never
// turns the first row into a header that is dropped.
func TestCSVNeverDropsARow(t *testing.T) {
	rows := "1,0,-1\n-1,-1,1\n0,1,1\n1,1,1\n-1,0,0\n"
	want := []int8{1, 0, -1, -1, -1, 1, 0, 1, 1, 1, 1, 1, -1, 0, 0}
	for name, c := range map[string]struct {
		text string
		conv Convention
	}{
		"plain":                  {rows, Convention{}},
		"BOM":                    {utf8BOM + rows, Convention{}},
		"BOM and header":         {utf8BOM + "a,b,c\n" + rows, Convention{}},
		"CRLF":                   {strings.ReplaceAll(rows, "\n", "\r\n"), Convention{}},
		"no final newline":       {strings.TrimSuffix(rows, "\n"), Convention{}},
		"trailing blank lines":   {rows + "\n\n", Convention{}},
		"spaces":                 {strings.ReplaceAll(rows, ",", ", "), Convention{}},
		"numeric header forced":  {"0,1,2\n" + rows, Convention{Header: HeaderPresent}},
		"header forced with BOM": {utf8BOM + "x,y,z\n" + rows, Convention{Header: HeaderPresent}},
	} {
		m, err := readCSV(t, c.text, c.conv)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if m.Rows != 5 || m.Cols != 3 || !slices.Equal(m.Data, want) {
			t.Errorf("%s: read %d x %d %v, want 5 x 3 %v", name, m.Rows, m.Cols, m.Data, want)
		}
	}
}

// Any field that is not a number, outside a header, is a *ValueError
// naming the file, line, row, column and value.
func TestCSVBadFieldIsValueError(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		conv Convention
		want ValueError
	}{
		"typo in line 1":        {"1,O,-1\n1,1,1\n", Convention{}, ValueError{Row: 0, Column: 1, Line: 1, Value: "O", Want: "a number"}},
		"BOM and typo":          {utf8BOM + "1,0,-1\n1,l,1\n", Convention{}, ValueError{Row: 1, Column: 1, Line: 2, Value: "l", Want: "a number"}},
		"typo after header":     {"a,b,c\n1,0,-1\n1,1,x\n", Convention{}, ValueError{Row: 1, Column: 2, Line: 3, Value: "x", Want: "a number"}},
		"empty field":           {"1,,-1\n", Convention{}, ValueError{Row: 0, Column: 1, Line: 1, Value: "", Want: "a number"}},
		"header taken as data":  {"a,b,c\n1,0,-1\n", Convention{Header: HeaderAbsent}, ValueError{Row: 0, Column: 0, Line: 1, Value: "a", Want: "a number"}},
		"bad vote":              {"1,0,-1\n-1,2,1\n", Convention{}, ValueError{Row: 1, Column: 1, Line: 2, Value: "2", Want: "-1, +1 or 0 (abstain)"}},
		"vote after quoted row": {"\"1\n\",0\n1,5\n", Convention{Header: HeaderPresent}, ValueError{Row: 0, Column: 1, Line: 3, Value: "5", Want: "-1, +1 or 0 (abstain)"}},
	} {
		_, err := readCSV(t, c.text, c.conv)
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("%s: error %v is not a *ValueError", name, err)
			continue
		}
		got := *ve
		got.File, got.Hint = "", ""
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
		if !strings.HasSuffix(ve.File, "L.csv") || !strings.Contains(err.Error(), "L.csv") {
			t.Errorf("%s: %q does not name the file", name, err)
		}
	}
}

func TestCSVShapeErrors(t *testing.T) {
	for name, c := range map[string]struct{ text, want string }{
		"blank line inside": {"1,0\n\n1,1\n", "line 2 is blank"},
		"ragged":            {"1,0\n1\n", "line 2 (row 1) has 1 fields, want 2"},
		"ragged after hdr":  {"a,b\n1,0,1\n", "line 2 (row 0) has 3 fields"},
		"utf-16":            {"\xff\xfe1\x00,\x000\x00\n\x00", "UTF-16"},
		"empty":             {"", "empty CSV file"},
		"bare quote":        {"1,0\n1,\"0\n", "L.csv"},
	} {
		_, err := readCSV(t, c.text, Convention{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	// The csv package's own errors are wrapped, not flattened.
	_, err := readCSV(t, "1,0\n1,\"0\n", Convention{})
	var pe interface{ Unwrap() error }
	if !errors.As(err, &pe) {
		t.Errorf("csv error %v is not wrapped", err)
	}
}

// Gold labels never abstain: 0 (FlyingSquid) or -1 (Snorkel, multiclass)
// is an error naming the labels' file.
func TestReadLabelsRejectsAbstain(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		text string
		conv Convention
		want string
	}{
		"flyingsquid 0": {"1\n-1\n0\n", Convention{}, "row 2, column 0 is 0, want -1 or +1 (a gold label cannot be 0"},
		"snorkel -1":    {"1\n0\n-1\n", Convention{Abstain: -1}, "row 2, column 0 is -1, want 0 (negative) or 1 (positive)"},
		"multiclass -1": {"2\n-1\n", Convention{Abstain: -1, Classes: 3}, "row 1, column 0 is -1, want a class in [0, 3)"},
	} {
		path := filepath.Join(dir, "Y.csv")
		os.WriteFile(path, []byte(c.text), 0o644)
		_, err := ReadLabels(path, c.conv)
		var ve *ValueError
		if !errors.As(err, &ve) || ve.File != path || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a *ValueError for %s with %q", name, err, path, c.want)
		}
	}
	path := filepath.Join(dir, "Y.csv")
	os.WriteFile(path, []byte("1\n-1\n"), 0o644)
	if m, err := ReadLabels(path, Convention{}); err != nil || !slices.Equal(m.Data, []int8{1, -1}) {
		t.Errorf("good labels: %v %v", m, err)
	}
}
