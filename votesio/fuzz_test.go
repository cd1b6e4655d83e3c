package votesio

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
)

// FuzzReadMatrix: any bytes give a matrix of valid votes or an error, never
// a panic or an out-of-range value.
func FuzzReadMatrix(f *testing.F) {
	for _, seed := range []any{[]int8{1, 0, -1}, []float64{1, -1}, []int64{0, 1, 1, -1}, []float32{0.5}} {
		var b bytes.Buffer
		npyio.Write(&b, seed)
		f.Add(b.Bytes())
	}
	f.Add([]byte("\x93NUMPY\x01\x00\x10\x00{'descr': '<i1'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMatrix(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if len(m.Data) != m.Rows*m.Cols {
			t.Fatalf("%d values for %d x %d", len(m.Data), m.Rows, m.Cols)
		}
		for _, v := range m.Data {
			if v < -1 || v > 1 {
				t.Fatalf("vote %d", v)
			}
		}
	})
}

// FuzzCSV: any text under any convention gives valid votes or an error.
func FuzzCSV(f *testing.F) {
	f.Add("a,b,c\n1,0,-1\n", 0, 0)
	f.Add("0,1\n1,-1\n", -1, 0)
	f.Add("2,0,-1\n1,1,1\n", -1, 3)
	f.Add("\"x\n", 0, 0)
	f.Add("\ufeff1,0\n1,1\n", 0, 0)
	f.Add("1,O\n1,1\n", 0, 0)
	f.Fuzz(func(t *testing.T, text string, abstain, classes int) {
		conv := Convention{Abstain: abstain, Classes: classes % 200}
		s, err := newCSVSource(bytes.NewReader([]byte(text)), "fuzz", conv)
		if err != nil {
			return
		}
		m, err := readAll(s)
		if err != nil {
			return
		}
		if !strings.ContainsAny(text, "\"\r") {
			// Rows in equal rows out: every non-empty line but a header is a row.
			lines := strings.FieldsFunc(strings.TrimPrefix(text, utf8BOM), func(r rune) bool { return r == '\n' })
			header := 1
			for _, f := range strings.Split(lines[0], ",") {
				if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err == nil {
					header = 0
				}
			}
			if m.Rows != len(lines)-header {
				t.Fatalf("%q: %d rows read from %d lines (header %d)", text, m.Rows, len(lines), header)
			}
		}
		hi := int8(1)
		if !conv.Binary() {
			hi = int8(conv.Classes - 1)
		}
		for _, v := range m.Data {
			if v < -1 || v > hi {
				t.Fatalf("vote %d under %+v", v, conv)
			}
		}
	})
}
