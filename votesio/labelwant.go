package votesio

import "fmt"

// wantLabel says what a gold label may be in place of the value x: the
// classes of the convention, with a note that the abstain value is not a
// label when x is that value, and what a label is otherwise.
func (c Convention) wantLabel(x float64) string {
	var want string
	switch {
	case c.Binary() && c.Abstain == 0:
		want = "-1 or +1"
	case c.Binary():
		want = "0 (negative) or 1 (positive)"
	default:
		want = fmt.Sprintf("a class in [0, %d)", c.Classes)
	}
	if x == float64(c.Abstain) {
		return fmt.Sprintf("%s (a gold label cannot be %d, which means abstain)", want, c.Abstain)
	}
	return want + " (a gold label is the true class of its row)"
}
