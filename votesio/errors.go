package votesio

import (
	"fmt"
	"strconv"
)

// ValueError is a value in a vote or label file that is not a vote (or
// label) under the file's Convention, or not a number at all. Callers can
// find it with errors.As to point at the cell.
type ValueError struct {
	File   string // the file's name, as given
	Row    int    // data row, from 0 (a CSV header line is not a row)
	Column int    // from 0
	Line   int    // CSV line, from 1; 0 for a .npy file
	Value  string // the value as it is in the file (formatted for .npy)
	Want   string // what the convention accepts there
	// Hint adds what may have caused the error, when something is likely.
	Hint string
}

// Error names the file, the cell (and CSV line), the value and what was
// wanted.
func (e *ValueError) Error() string {
	where := e.File + ": "
	if e.Line > 0 {
		where += fmt.Sprintf("line %d: ", e.Line)
	}
	value := e.Value
	if _, err := strconv.ParseFloat(value, 64); err != nil {
		value = strconv.Quote(value)
	}
	msg := fmt.Sprintf("%svalue at row %d, column %d is %s, want %s", where, e.Row, e.Column, value, e.Want)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// formatValue writes a decoded .npy value as it would print in NumPy.
func formatValue(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
