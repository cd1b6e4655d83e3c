package fitflags

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
)

// Model is a fitted model read from a file: binary (labelmodel) or
// multiclass, whichever the document's format says.
type Model struct {
	Binary *labelmodel.Model
	Multi  *multiclass.Model
}

// ReadModel reads the model file at path; errors name the file.
func ReadModel(path string) (Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Model{}, err
	}
	return LoadModel(b, path)
}

// LoadModel decodes a model document (name labels errors).
func LoadModel(b []byte, name string) (Model, error) {
	var head struct{ Format string }
	if err := json.Unmarshal(b, &head); err != nil {
		return Model{}, fmt.Errorf("%s: not a squid model: %w", name, err)
	}
	var m Model
	var err error
	if head.Format == multiclass.FormatName {
		m.Multi, err = multiclass.Load(bytes.NewReader(b))
	} else {
		m.Binary, err = labelmodel.Load(bytes.NewReader(b))
	}
	if err != nil {
		return Model{}, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// Spec returns the model's graph (of every class model for k classes).
func (m Model) Spec() labelmodel.Spec { return m.binary().Spec() }

// LFs returns the number of LFs the model was fitted for.
func (m Model) LFs() int { return m.Spec().M }

// Classes returns the number of classes: k for a multiclass model, 2 for
// a binary one.
func (m Model) Classes() int {
	if m.Multi != nil {
		return m.Multi.K()
	}
	return 2
}

// Accuracies returns the fitted LF accuracies: P(vote right) (binary
// models only) and P(vote right | the LF votes).
func (m Model) Accuracies() (joint, given []float64) {
	if m.Multi != nil {
		given, _ = m.Multi.AccuraciesGivenVote()
		return nil, given
	}
	joint, _ = m.Binary.EstimatedAccuracies()
	given, _ = m.Binary.AccuraciesGivenVote()
	return joint, given
}

// binary returns the model, or for k classes the first class's model
// (all were fitted on the same rows).
func (m Model) binary() *labelmodel.Model {
	if m.Multi != nil {
		return m.Multi.Binary(0)
	}
	return m.Binary
}

// Rows returns how many rows of votes the model was fitted on.
func (m Model) Rows() int64 { return m.binary().Rows() }

// Warnings returns the fit's warnings, one sentence each.
func (m Model) Warnings() []string {
	if m.Multi != nil {
		return m.Multi.Warnings()
	}
	return m.Binary.Warnings()
}

// Fitted describes the votes the model at path reads (its classes and
// the abstain value its fit recorded; -1 for multiclass), for
// Input.ModelConvention.
func (m Model) Fitted(path string) Fitted {
	f := Fitted{Path: path, Classes: m.Classes(), Abstain: -1, Recorded: true}
	if m.Binary != nil {
		f.Abstain, f.Recorded = m.Binary.VoteAbstain()
	}
	return f
}

// PredictFunc writes the predictions of n rows of m votes into out
// (n x the predictor's columns).
type PredictFunc func(out []float64, data []int8, n, m int) error

// Predictor returns the output width, the column names and the
// prediction function of the model: P(Y = c) per class for a multiclass
// model; for a binary one P(Y) over the 2^v task patterns, or with
// marginal P(Y_t = +1) per task. The function keeps scratch between calls:
// one goroutine at a time.
func (m Model) Predictor(marginal bool) (int, []string, PredictFunc) {
	if m.Multi != nil {
		k := m.Multi.K()
		names := make([]string, k)
		for c := range names {
			names[c] = fmt.Sprintf("P(Y=%d)", c)
		}
		return k, names, func(out []float64, data []int8, n, lfs int) error {
			v := multiclass.Votes{N: n, M: lfs, Data: data}
			if err := v.Validate(k); err != nil {
				return err
			}
			return m.Multi.PredictProbaInto(out, v)
		}
	}
	b := m.Binary
	v := b.Spec().Tasks()
	if marginal {
		names := make([]string, v)
		for t := range names {
			names[t] = fmt.Sprintf("P(Y_%d=+1)", t)
		}
		var joint []float64 // scratch, reused
		return v, names, func(out []float64, data []int8, n, lfs int) error {
			if cap(joint) < n*b.Classes() {
				joint = make([]float64, n*b.Classes())
			}
			return b.PredictProbaMarginalInto(out, joint[:n*b.Classes()], labelmodel.Votes{N: n, M: lfs, Data: data})
		}
	}
	var names []string
	for _, y := range b.YPatterns() {
		s := make([]string, len(y))
		for t, x := range y {
			s[t] = fmt.Sprintf("%+d", x)
		}
		names = append(names, "P(Y=("+strings.Join(s, " ")+"))")
	}
	return b.Classes(), names, func(out []float64, data []int8, n, lfs int) error {
		return b.PredictProbaInto(out, labelmodel.Votes{N: n, M: lfs, Data: data})
	}
}

// PrintFitSummary writes a fit's warnings, one sentence a line, and its
// one summary line (squid fit and squid-beam end with them).
func PrintFitSummary(w io.Writer, warnings []string, rows int64, lfs, classes int, method string, elapsed time.Duration) {
	for _, s := range warnings {
		fmt.Fprintln(w, "warning:", s)
	}
	kind := ""
	if classes > 2 {
		kind = fmt.Sprintf(", %d classes", classes)
	}
	fmt.Fprintf(w, "fit: %d rows, %d LFs%s, %s, %.2f s, %d warnings\n", rows, lfs, kind, method, elapsed.Seconds(), len(warnings))
}
