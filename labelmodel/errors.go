package labelmodel

import (
	"errors"
	"fmt"
)

// ShapeError reports an input whose size does not fit: votes or statistics
// with the wrong number of LFs, an output buffer or a class balance of the
// wrong length. A caller can branch on it with errors.As.
type ShapeError struct {
	// What names the input ("votes", "statistics", "output", "class
	// balance"...).
	What string
	// Got and Want are its size and the size the model needs (columns,
	// LFs or values, as Error says).
	Got, Want int
	msg       string
}

func (e *ShapeError) Error() string { return e.msg }

func shapeError(what string, got, want int, format string, a ...any) error {
	return ShapeErrorf(what, got, want, "labelmodel: "+format, a...)
}

// ShapeErrorf returns a *ShapeError with the formatted message, for
// packages built on this one (fsloss, multiclass) to report shapes the
// same way.
func ShapeErrorf(what string, got, want int, format string, a ...any) error {
	return &ShapeError{What: what, Got: got, Want: want, msg: fmt.Sprintf(format, a...)}
}

// VoteError reports a vote that is not -1, 0 or +1 (or a 0 in a model
// without abstentions), by row and column.
type VoteError struct {
	Row, Col int
	Value    int
	msg      string
}

func (e *VoteError) Error() string { return e.msg }

// GraphError reports a graph the label model cannot fit; Clique names the
// nodes concerned (e.g. ["lambda_0", "lambda_1", "Y_0"]) when the problem
// is one clique, and is empty for a malformed Spec.
type GraphError struct {
	Clique []string
	msg    string
}

func (e *GraphError) Error() string { return e.msg }

// graphError returns a GraphError about the clique of nodes (node indices
// of g; nil for none).
func (g *graph) graphError(nodes []int, format string, a ...any) error {
	e := &GraphError{msg: fmt.Sprintf("labelmodel: "+format, a...)}
	for _, x := range nodes {
		e.Clique = append(e.Clique, g.name(x))
	}
	return e
}

// specError returns a GraphError about the Spec as a whole.
func specError(format string, a ...any) error {
	return &GraphError{msg: fmt.Sprintf("labelmodel: "+format, a...)}
}

// ErrCorruptModel is wrapped by every error Load returns for a document
// that is damaged or inconsistent with its own graph
// (errors.Is(err, ErrCorruptModel)).
var ErrCorruptModel = errors.New("corrupted model")

// ErrCorruptStats is wrapped by every error Stats.UnmarshalBinary returns
// for a damaged encoding.
var ErrCorruptStats = errors.New("corrupted statistics")
