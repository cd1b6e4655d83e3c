package fitflags

import (
	"fmt"

	"github.com/squid-ws/squid/votesio"
)

// ReadGold reads gold labels at path in the convention of the votes: a
// matrix of cols columns, one gold label per task and row. Another shape
// is an error that gives the file's shape.
func ReadGold(path string, conv votesio.Convention, cols int) (votesio.Matrix, error) {
	y, err := votesio.ReadLabels(path, conv)
	if err != nil {
		return y, err
	}
	if y.Cols != cols {
		want := "one column, the gold label of each row"
		if cols > 1 {
			want = fmt.Sprintf("%d columns, the gold label of each of the %d tasks per row", cols, cols)
		}
		return y, fmt.Errorf("%s: gold labels are a %d x %d matrix (rows x columns), want %s", votesio.InputName(path), y.Rows, y.Cols, want)
	}
	return y, nil
}

// GoldRowsError is the error for gold labels at path that do not match
// the rows of votes in votesPath: labels labels for rows rows.
func GoldRowsError(path string, labels int, votesPath string, rows int64) error {
	return fmt.Errorf("%s has %d labels for the %d rows of votes in %s; give one gold label per row", votesio.InputName(path), labels, rows, votesio.InputName(votesPath))
}
