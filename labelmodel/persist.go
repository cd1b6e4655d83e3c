package labelmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/squid-ws/squid/internal/strictjson"
)

// FormatName and FormatVersion identify the JSON document written by Save.
// Load reads every version up to FormatVersion and rejects newer ones.
const (
	FormatName    = "squid-labelmodel"
	FormatVersion = 1
)

type savedModel struct {
	Format       string          `json:"format"`
	Version      int             `json:"version"`
	Spec         Spec            `json:"spec"`
	Options      savedOptions    `json:"options"`
	Rows         int64           `json:"rows"`
	ClassBalance []float64       `json:"class_balance"`
	AbstainRates []float64       `json:"abstain_rates"`
	Marginals    []savedMarginal `json:"marginals"`
	Expectations []savedExp      `json:"expectations"`
	Warnings     []string        `json:"warnings,omitempty"`
	VoteAbstain  *int            `json:"vote_abstain,omitempty"` // see Model.VoteAbstain
	// Checksum is the digest of the rest (see savedModel.checksum);
	// absent in files from before it existed.
	Checksum string `json:"checksum,omitempty"`
}

type savedOptions struct {
	Method            Method   `json:"method"`
	Negative          Negative `json:"negative"`
	FlyingSquidCompat bool     `json:"flyingsquid_compat,omitempty"`
	ExactSeparators   bool     `json:"exact_separators,omitempty"`
	ExactDependencies bool     `json:"exact_dependencies,omitempty"`
}

type savedMarginal struct {
	LFs    []int     `json:"lfs"`
	Task   int       `json:"task"`
	Values []float64 `json:"values"`
}

type savedExp struct {
	LFs         []int   `json:"lfs"`
	Task        int     `json:"task"`
	Cond        []int   `json:"cond,omitempty"`
	Value       float64 `json:"value"`
	Probability float64 `json:"probability"`
}

// Save writes the fitted model as a versioned JSON document.
func (m *Model) Save(w io.Writer) error {
	if m.fit == nil {
		return ErrNotFitted
	}
	f := m.fit
	doc := savedModel{Format: FormatName, Version: FormatVersion, Spec: m.spec,
		Options: savedOptions{Method: f.opts.Method, Negative: f.opts.Negative,
			FlyingSquidCompat: f.opts.FlyingSquidCompat, ExactSeparators: f.opts.ExactSeparators,
			ExactDependencies: f.opts.ExactDependencies},
		Rows: f.n, ClassBalance: f.classBalance, AbstainRates: f.abstain, Warnings: f.warnings, VoteAbstain: m.voteAbstain}
	for _, c := range m.toEstimate {
		doc.Marginals = append(doc.Marginals, savedMarginal{LFs: c.lfs, Task: c.t, Values: f.marginals[c.key()]})
	}
	for _, e := range f.estimate.members {
		doc.Expectations = append(doc.Expectations, savedExp{LFs: e.lfs, Task: e.t, Cond: e.cond,
			Value: f.estimate.value[e.key()], Probability: f.prob[e.key()]})
	}
	doc.Checksum = doc.checksum()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// Load reads a model written by Save. A document from a newer version of
// squid, or one that is corrupted or inconsistent with its own graph, is
// an error (wrapping ErrCorruptModel for a damaged document). Everything
// that does not need the junction tree (sizes, options, probabilities) is
// checked before the model is built, so a small damaged file never starts
// large work; the tables built from it are then checked to give finite
// log-probabilities, so a loaded model never predicts NaN. A document with
// a "checksum" (Save writes one) whose numbers no longer match it was
// edited and is refused; delete the field to keep a deliberate edit.
func Load(r io.Reader) (*Model, error) {
	var doc savedModel
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("labelmodel: reading model: %w", err)
	}
	if err := strictjson.Decode(b, &doc); errors.Is(err, strictjson.ErrTrailingData) {
		return nil, fmt.Errorf("labelmodel: %w: data after the model document", ErrCorruptModel)
	} else if err != nil {
		return nil, fmt.Errorf("labelmodel: reading model: %w", err)
	}
	if doc.Format != FormatName {
		return nil, fmt.Errorf("labelmodel: not a squid label model (format %q)", doc.Format)
	}
	if doc.Version < 1 || doc.Version > FormatVersion {
		return nil, fmt.Errorf("labelmodel: model format version %d is not supported by this build (reads 1 to %d); upgrade squid", doc.Version, FormatVersion)
	}
	bad := func(format string, a ...any) (*Model, error) {
		return nil, &corruptError{fmt.Errorf(format, a...)}
	}
	if err := doc.Spec.validate(); err != nil {
		return bad("%w", err)
	}
	if err := doc.check(); err != nil {
		return bad("%w", err)
	}
	if err := doc.checkChecksum(); err != nil {
		return bad("%w", err)
	}
	m, err := New(doc.Spec)
	if err != nil {
		return bad("%w", err)
	}
	if err := m.loadVoteAbstain(&doc); err != nil {
		return bad("%v", err)
	}
	f := &fitted{opts: doc.Options.options(), n: doc.Rows, classBalance: doc.ClassBalance, abstain: doc.AbstainRates,
		warnings: doc.Warnings, estimate: newEstimate(), prob: map[string]float64{}, marginals: map[string][]float64{}}
	if len(doc.Marginals) != len(m.toEstimate) {
		return bad("%d marginals, the graph has %d", len(doc.Marginals), len(m.toEstimate))
	}
	for _, c := range m.toEstimate {
		i := slices.IndexFunc(doc.Marginals, func(s savedMarginal) bool { return s.Task == c.t && slices.Equal(s.LFs, c.lfs) })
		name := m.g.describe(append(slices.Clone(c.lfs), m.g.m+c.t))
		if i < 0 {
			return bad("no marginal for %s", name)
		}
		vals := doc.Marginals[i].Values
		if len(vals) != len(c.columns(m.noAbs)) || !distribution(vals) {
			return bad("marginal for %s must be %d probabilities summing to 1", name, len(c.columns(m.noAbs)))
		}
		f.marginals[c.key()] = vals
	}
	for _, s := range doc.Expectations {
		e := expectation{lfs: s.LFs, t: s.Task, cond: s.Cond}
		if !m.g.validExpectation(e) {
			return bad("expectation over LFs %v, task %d, condition %v is not one of this graph", s.LFs, s.Task, s.Cond)
		}
		if _, dup := f.prob[e.key()]; dup {
			return bad("expectation %s appears twice", m.g.pyString(e, m.noAbs))
		}
		if err := m.checkExpectation(s, doc.AbstainRates); err != nil {
			return bad("%w", err)
		}
		f.estimate.value[e.key()] = s.Value
		f.estimate.members = append(f.estimate.members, e)
		f.prob[e.key()] = s.Probability
	}
	for _, e := range m.expectations {
		if _, ok := f.prob[e.key()]; !ok {
			return bad("expectation %s is missing", m.g.pyString(e, m.noAbs))
		}
	}
	m.loadWarnings(f)
	m.buildInference(f)
	if err := f.checkTables(); err != nil {
		return bad("%w", err)
	}
	m.fit = f
	return m, nil
}

// check validates what does not need the model: options, row count and
// the sizes and values of the per-LF and per-pattern arrays.
func (doc *savedModel) check() error {
	if err := doc.Options.options().check(); err != nil {
		return err
	}
	if doc.Rows <= 0 {
		return fmt.Errorf("rows = %d, a fitted model has at least one", doc.Rows)
	}
	if k := 1 << doc.Spec.Tasks(); len(doc.ClassBalance) != k || !distribution(doc.ClassBalance) {
		return fmt.Errorf("class_balance must be %d probabilities summing to 1", k)
	}
	if len(doc.AbstainRates) != doc.Spec.M || !probabilities(doc.AbstainRates) {
		return fmt.Errorf("abstain_rates must be %d probabilities", doc.Spec.M)
	}
	for i, a := range doc.AbstainRates {
		if k := a * float64(doc.Rows); math.Abs(k-math.Round(k)) > 1e-6+1e-12*k {
			return fmt.Errorf("abstain_rates[%d] = %v is not a count of the %d rows divided by %d", i, a, doc.Rows, doc.Rows)
		}
	}
	return nil
}

func (o savedOptions) options() Options {
	return Options{Method: o.Method, Negative: o.Negative, FlyingSquidCompat: o.FlyingSquidCompat,
		ExactSeparators: o.ExactSeparators, ExactDependencies: o.ExactDependencies}
}

// validExpectation reports whether e names sorted, distinct LFs of g (the
// product and the condition disjoint) and one of its tasks.
func (g *graph) validExpectation(e expectation) bool {
	ok := func(lfs []int) bool {
		for k, l := range lfs {
			if l < 0 || l >= g.m || (k > 0 && lfs[k-1] >= l) {
				return false
			}
		}
		return true
	}
	for _, c := range e.cond {
		if slices.Contains(e.lfs, c) {
			return false
		}
	}
	return len(e.lfs) > 0 && ok(e.lfs) && ok(e.cond) && e.t >= 0 && e.t < g.v
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func probabilities(x []float64) bool {
	for _, v := range x {
		if !(v >= 0 && v <= 1) {
			return false
		}
	}
	return true
}

// distribution reports whether x are probabilities summing to 1 (to within
// rounding).
func distribution(x []float64) bool {
	var sum float64
	for _, v := range x {
		sum += v
	}
	return probabilities(x) && math.Abs(sum-1) < 1e-6
}
