package labelmodel

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
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
		Rows: f.n, ClassBalance: f.cb, AbstainRates: f.abstain, Warnings: f.warnings}
	for _, c := range m.est {
		doc.Marginals = append(doc.Marginals, savedMarginal{LFs: c.lfs, Task: c.t, Values: f.marginals[c.key()]})
	}
	for _, e := range f.exps.members {
		doc.Expectations = append(doc.Expectations, savedExp{LFs: e.lfs, Task: e.t, Cond: e.cond,
			Value: f.exps.value[e.key()], Probability: f.prob[e.key()]})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// Load reads a model written by Save. A document from a newer version of
// squid, or one that is corrupted or inconsistent with its own graph, is
// an error.
func Load(r io.Reader) (*Model, error) {
	var doc savedModel
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("labelmodel: reading model: %v", err)
	}
	if doc.Format != FormatName {
		return nil, fmt.Errorf("labelmodel: not a squid label model (format %q)", doc.Format)
	}
	if doc.Version < 1 || doc.Version > FormatVersion {
		return nil, fmt.Errorf("labelmodel: model format version %d is not supported by this build (reads 1 to %d); upgrade squid", doc.Version, FormatVersion)
	}
	m, err := New(doc.Spec)
	if err != nil {
		return nil, err
	}
	f := &fitted{opts: Options{Method: doc.Options.Method, Negative: doc.Options.Negative,
		FlyingSquidCompat: doc.Options.FlyingSquidCompat, ExactSeparators: doc.Options.ExactSeparators,
		ExactDependencies: doc.Options.ExactDependencies},
		n: doc.Rows, cb: doc.ClassBalance, abstain: doc.AbstainRates, warnings: doc.Warnings,
		exps: newEstimate(), prob: map[string]float64{}, marginals: map[string][]float64{}}
	bad := func(format string, a ...any) (*Model, error) {
		return nil, fmt.Errorf("labelmodel: corrupted model: "+format, a...)
	}
	if len(f.cb) != m.Classes() || !probabilities(f.cb) {
		return bad("class_balance must be %d probabilities", m.Classes())
	}
	if len(f.abstain) != m.spec.M || !probabilities(f.abstain) {
		return bad("abstain_rates must be %d probabilities", m.spec.M)
	}
	for _, c := range m.est {
		i := slices.IndexFunc(doc.Marginals, func(s savedMarginal) bool { return s.Task == c.t && slices.Equal(s.LFs, c.lfs) })
		if i < 0 {
			return bad("no marginal for %s", m.g.describe(append(slices.Clone(c.lfs), m.g.m+c.t)))
		}
		vals := doc.Marginals[i].Values
		if len(vals) != len(c.columns(m.noAbs)) || !probabilities(vals) {
			return bad("marginal for %s must be %d probabilities", m.g.describe(append(slices.Clone(c.lfs), m.g.m+c.t)), len(c.columns(m.noAbs)))
		}
		f.marginals[c.key()] = vals
	}
	for _, s := range doc.Expectations {
		e := expectation{lfs: s.LFs, t: s.Task, cond: s.Cond}
		if math.IsNaN(s.Value) || math.IsNaN(s.Probability) {
			return bad("expectation %v is NaN", s.LFs)
		}
		f.exps.value[e.key()] = s.Value
		f.exps.members = append(f.exps.members, e)
		f.prob[e.key()] = s.Probability
	}
	for _, e := range m.exps {
		if _, ok := f.prob[e.key()]; !ok {
			return bad("expectation %s is missing", m.g.pyString(e, m.noAbs))
		}
	}
	m.buildInference(f)
	m.fit = f
	return m, nil
}

func probabilities(x []float64) bool {
	for _, v := range x {
		if !(v >= 0 && v <= 1) {
			return false
		}
	}
	return true
}
