package votesio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// utf8BOM is the byte-order mark some programs (Excel, PowerShell) put at
// the start of a UTF-8 file.
const utf8BOM = "\xef\xbb\xbf"

// newCSVSource reads a CSV file: one row of votes per line. A UTF-8
// byte-order mark is skipped. Line 1 is a header according to
// conv.Header: by default only when none of its fields is a number, so a
// typo in the first row is an error, never a silently dropped row. Every
// other field must be a number and a vote; blank lines between rows are
// errors (a row is never shifted or dropped).
func newCSVSource(r io.Reader, name string, conv Convention) (*Source, error) {
	if err := conv.validate(); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	if start, _ := br.Peek(3); bytes.HasPrefix(start, []byte(utf8BOM)) {
		br.Discard(len(utf8BOM))
	} else if bytes.HasPrefix(start, []byte("\xff\xfe")) || bytes.HasPrefix(start, []byte("\xfe\xff")) {
		return nil, fmt.Errorf("%s: the file is UTF-16 text; save it as UTF-8 (or plain ASCII) CSV", name)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // checked here, with the line named
	s := &Source{Name: name, Rows: -1, conv: conv}
	first, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty CSV file", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.Cols = len(first)
	header := conv.Header == HeaderPresent
	if conv.Header == HeaderAuto {
		header = true
		for _, f := range first {
			if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err == nil {
				header = false
			}
		}
	}
	if header && len(first) > 1 && strings.TrimSpace(first[0]) == "" {
		return nil, fmt.Errorf("%s: line 1 starts with an empty field (%q), like the index column that pandas' DataFrame.to_csv writes: its values would be read as votes; write the file with to_csv(index=False), or remove the first column", name, strings.Join(first, ","))
	}
	rows := 0     // data rows read
	lastLine := 0 // line where the previous record ended
	// parse converts one record (a row of data) into dst.
	parse := func(rec []string, dst []int8) error {
		line, _ := cr.FieldPos(0)
		if line > lastLine+1 {
			return fmt.Errorf("%s: line %d is blank; every line between the first and the last is a row of votes", name, lastLine+1)
		}
		lastLine, _ = cr.FieldPos(len(rec) - 1)
		if len(rec) != s.Cols {
			return fmt.Errorf("%s: line %d (row %d) has %d fields, want %d like line 1", name, line, rows, len(rec), s.Cols)
		}
		for c, f := range rec {
			bad := &ValueError{File: name, Row: rows, Column: c, Line: line, Value: f}
			if line == 1 && conv.Header == HeaderAuto {
				bad.Hint = "line 1 is read as data because some of its fields are numbers; if it is a header, pass --header (in Go, Convention.Header = HeaderPresent)"
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				bad.Want = "a number"
				if d := otherDelimiter(f); s.Cols == 1 && d != "" {
					bad.Hint = fmt.Sprintf("the file has one column and its fields contain %s: squid reads comma-separated values; write the file with commas", d)
				}
				return bad
			}
			v, ok := conv.vote(x)
			if !ok {
				bad.Want = conv.want(x)
				return bad
			}
			dst[c] = v
		}
		rows++
		return nil
	}
	var pending []int8
	if header {
		lastLine, _ = cr.FieldPos(len(first) - 1)
	} else {
		pending = make([]int8, s.Cols)
		if err := parse(first, pending); err != nil {
			return nil, err
		}
	}
	s.read = func(dst []int8) (int, error) {
		n := 0
		if pending != nil {
			copy(dst, pending)
			pending = nil
			n = 1
		}
		for ; (n+1)*s.Cols <= len(dst); n++ {
			rec, err := cr.Read()
			if err == io.EOF {
				return n, io.EOF
			}
			if err != nil {
				return n, fmt.Errorf("%s: %w", name, err)
			}
			if err := parse(rec, dst[n*s.Cols:(n+1)*s.Cols]); err != nil {
				return n, err
			}
		}
		return n, nil
	}
	return s, nil
}

// otherDelimiter names the delimiter other than a comma that a field
// holds (a semicolon, tab or bar), or returns "".
func otherDelimiter(f string) string {
	for _, d := range []struct{ c, name string }{{";", "';'"}, {"\t", "tabs"}, {"|", "'|'"}} {
		if strings.Contains(f, d.c) {
			return d.name
		}
	}
	return ""
}
