// Package multiclass fits label models for k > 2 classes by one-vs-all:
// for each class c, a binary FlyingSquid model sees every LF's vote as +1
// when it votes c, -1 when it votes another class, and 0 when it abstains,
// and estimates P(Y = c | votes) against the class balance
// (P(Y = c), 1 - P(Y = c)). The k one-vs-all posteriors are then combined
// by normalising them to sum to one:
//
//	P(Y = c | votes) = P_c(Y = c | votes) / sum over d of P_d(Y = d | votes).
//
// (Each binary model is a proper posterior for its own question; the
// normalisation turns the k answers into one distribution. When every
// binary model gives 0, the result is uniform.)
//
// Votes are int8 class indices 0..k-1, with -1 for an abstention (Snorkel's
// convention).
package multiclass

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/internal/strictjson"
	"github.com/squid-ws/squid/labelmodel"
)

// Abstain is the vote of an LF that abstains.
const Abstain = -1

// Votes is an n x m matrix of class votes (0..k-1, or -1 to abstain),
// row-major.
type Votes struct {
	N, M int
	Data []int8
}

// Validate checks the shape and that every vote is -1 or a class below k.
func (v Votes) Validate(k int) error {
	if v.N < 0 || v.M <= 0 || len(v.Data) != v.N*v.M {
		return labelmodel.ShapeErrorf("votes", len(v.Data), v.N*v.M, "multiclass: votes of shape %d x %d need %d values, got %d", v.N, v.M, v.N*v.M, len(v.Data))
	}
	for i, x := range v.Data {
		if x < Abstain || int(x) >= k {
			return fmt.Errorf("multiclass: vote at row %d, column %d is %d, want -1 (abstain) or a class in [0, %d)", i/v.M, i%v.M, x, k)
		}
	}
	return nil
}

// OneVsAll returns the binary votes of class c: +1 for a vote c, -1 for a
// vote for another class, 0 for an abstention.
func (v Votes) OneVsAll(c int) labelmodel.Votes {
	out := make([]int8, len(v.Data))
	OneVsAllInto(out, v.Data, c)
	return labelmodel.Votes{N: v.N, M: v.M, Data: out}
}

// OneVsAllInto writes the binary votes of class c for votes into dst.
func OneVsAllInto(dst, votes []int8, c int) {
	for i, x := range votes {
		switch {
		case x == Abstain:
			dst[i] = 0
		case int(x) == c:
			dst[i] = 1
		default:
			dst[i] = -1
		}
	}
}

// Options control a multiclass fit.
type Options struct {
	// Method, Negative, FlyingSquidCompat: as in labelmodel.Options.
	Method labelmodel.Method
	// ClassBalance is P(Y = c) for the k classes (normalised); nil means
	// uniform unless DevLabels is given.
	ClassBalance []float64
	// DevLabels are gold class labels (0..k-1) to estimate the class
	// balance from.
	DevLabels []int8
}

// Model is a k-class label model: k one-vs-all binary models over the same
// LFs (one task; LF dependencies allowed).
type Model struct {
	k      int
	spec   labelmodel.Spec
	models []*labelmodel.Model
	cb     []float64
	acc    []float64
	warns  []string // accuracy estimates that had to be clamped
}

// New returns an unfitted k-class model over spec's LFs (spec must have one
// task).
func New(spec labelmodel.Spec, k int) (*Model, error) {
	if k < 2 || k > 127 {
		return nil, fmt.Errorf("multiclass: k = %d classes, want 2 to 127", k)
	}
	if spec.Tasks() != 1 {
		return nil, fmt.Errorf("multiclass: the model has v = %d tasks; multiclass models have one", spec.V)
	}
	m := &Model{k: k, spec: spec}
	for c := 0; c < k; c++ {
		b, err := labelmodel.New(spec)
		if err != nil {
			return nil, fmt.Errorf("multiclass: %w", err)
		}
		m.models = append(m.models, b)
	}
	return m, nil
}

// K returns the number of classes.
func (m *Model) K() int { return m.k }

// Binary returns the one-vs-all model of class c.
func (m *Model) Binary(c int) *labelmodel.Model { return m.models[c] }

func (m *Model) classBalance(opts Options) ([]float64, error) {
	cb := make([]float64, m.k)
	switch {
	case opts.ClassBalance != nil:
		return labelmodel.NormalizeClassBalance(opts.ClassBalance, m.k, "k")
	case opts.DevLabels != nil:
		if len(opts.DevLabels) == 0 {
			return nil, errors.New("multiclass: no dev labels")
		}
		for r, y := range opts.DevLabels {
			if y < 0 || int(y) >= m.k {
				return nil, fmt.Errorf("multiclass: dev label at row %d is %d, want a class in [0, %d)", r, y, m.k)
			}
			cb[y]++
		}
		for c := range cb {
			cb[c] /= float64(len(opts.DevLabels))
		}
	default:
		for c := range cb {
			cb[c] = 1 / float64(m.k)
		}
	}
	return cb, nil
}

// NewStats returns empty one-vs-all statistics (one labelmodel.Stats per
// class) for FitStats.
func (m *Model) NewStats() []*labelmodel.Stats {
	s := make([]*labelmodel.Stats, m.k)
	for c := range s {
		s[c] = m.models[c].NewStats()
	}
	return s
}

// AddStats adds the rows of votes to one-vs-all statistics.
func (m *Model) AddStats(stats []*labelmodel.Stats, v Votes) error {
	if v.M != m.spec.M {
		return labelmodel.ShapeErrorf("votes", v.M, m.spec.M, "multiclass: votes have %d columns, the model has %d LFs", v.M, m.spec.M)
	}
	if err := v.Validate(m.k); err != nil {
		return err
	}
	for c := range stats {
		if err := stats[c].Add(v.OneVsAll(c)); err != nil {
			return err
		}
	}
	return nil
}

// Fit fits the k one-vs-all models on votes.
func (m *Model) Fit(v Votes, opts Options) error {
	stats := m.NewStats()
	if err := m.AddStats(stats, v); err != nil {
		return err
	}
	return m.FitStats(stats, opts)
}

// CheckOptions reports whether opts can fit m: a known method, and a
// class balance of k finite non-negative entries or dev labels that are
// classes. FitStats makes these checks first; a caller that keeps options
// for later fits (the online loss) checks them once, up front.
func (m *Model) CheckOptions(opts Options) error {
	if err := m.models[0].CheckOptions(labelmodel.Options{Method: opts.Method}); err != nil {
		return err
	}
	_, err := m.classBalance(opts)
	return err
}

// FitStats fits the k one-vs-all models from their statistics. The k fits
// are made on copies and kept only when all succeed, so a failed call
// leaves the model as it was.
func (m *Model) FitStats(stats []*labelmodel.Stats, opts Options) error {
	if len(stats) != m.k {
		return labelmodel.ShapeErrorf("statistics", len(stats), m.k, "multiclass: %d statistics for k = %d classes", len(stats), m.k)
	}
	if err := m.CheckOptions(opts); err != nil {
		return err
	}
	cb, _ := m.classBalance(opts)
	models := make([]*labelmodel.Model, m.k)
	for c, b := range m.models {
		models[c] = b.Clone()
		err := models[c].FitStats(stats[c], labelmodel.Options{Method: opts.Method, ClassBalance: []float64{1 - cb[c], cb[c]}})
		if err != nil {
			return fmt.Errorf("multiclass: class %d: %w", c, err)
		}
	}
	acc, raw := accuracies(stats, m.k)
	m.models, m.cb, m.acc, m.warns = models, cb, acc, m.accuracyWarnings(raw)
	return nil
}

// accuracies estimates P(λ_i = Y | λ_i votes) by a k-class triplet method
// on agreement rates. With errors spread evenly over the wrong classes,
// the agreement of two LFs on the rows where both vote is
// 1/k + (k-1)/k · α_i α_j with α_i = (k a_i - 1)/(k - 1), so
// M_ij = (k P(agree) - 1)/(k - 1) = α_i α_j has the triplet structure of
// the binary case: α_i is the mean over pairs (j, l) of
// sqrt(|M_ij M_il / M_jl|), and a_i = (1 + (k-1) α_i)/k. (The one-vs-all
// binary models see errors that are not symmetric, which biases their
// accuracies for large k; their posteriors are still used for labels.)
//
// It returns the accuracies, clamped to 1, and the estimates before the
// clamp (above 1 for an impossible estimate; accuracyWarnings names them).
func accuracies(stats []*labelmodel.Stats, k int) (acc, raw []float64) {
	m := stats[0].M()
	M := make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			var both, agree int64
			for c := range stats {
				pj, _ := stats[c].PairJoint(i, j)
				agree += pj[2][2] // both vote c
				if c == 0 {
					both = pj[0][0] + pj[0][2] + pj[2][0] + pj[2][2]
				}
			}
			if both > 0 {
				v := (float64(k)*float64(agree)/float64(both) - 1) / float64(k-1)
				M[i*m+j], M[j*m+i] = v, v
			}
		}
	}
	lf, comp := cpu.AllPairs(m)
	alpha := cpu.NewTripletResult(m)
	cpu.TripletAggregate(alpha, cpu.TripletRequest{Pairs: M, M: m, LF: lf, Comp: comp})
	acc, raw = make([]float64, m), make([]float64, m)
	for i, a := range alpha.Value {
		raw[i] = (1 + float64(k-1)*a) / float64(k)
		acc[i] = min(1, raw[i])
	}
	return acc, raw
}

// PredictProba returns P(Y = c | votes) for every row (n x k).
func (m *Model) PredictProba(v Votes) (*mat.Dense, error) {
	if m.cb == nil {
		return nil, labelmodel.ErrNotFitted
	}
	if v.M != m.spec.M {
		return nil, labelmodel.ShapeErrorf("votes", v.M, m.spec.M, "multiclass: votes have %d columns, the model has %d LFs", v.M, m.spec.M)
	}
	if err := v.Validate(m.k); err != nil {
		return nil, err
	}
	out := make([]float64, v.N*m.k)
	if err := m.PredictProbaInto(out, v); err != nil {
		return nil, err
	}
	if v.N == 0 {
		return &mat.Dense{}, nil
	}
	return mat.NewDense(v.N, m.k, out), nil
}

// PredictProbaInto writes P(Y = c | votes) into out (n x k) for validated
// votes.
func (m *Model) PredictProbaInto(out []float64, v Votes) error {
	bin := make([]int8, len(v.Data))
	p := make([]float64, v.N)
	scratch := make([]float64, 2*v.N)
	for c, b := range m.models {
		OneVsAllInto(bin, v.Data, c)
		if err := b.PredictProbaMarginalInto(p, scratch, labelmodel.Votes{N: v.N, M: v.M, Data: bin}); err != nil {
			return err
		}
		for r, x := range p {
			out[r*m.k+c] = x
		}
	}
	for r := 0; r < v.N; r++ {
		row := out[r*m.k : (r+1)*m.k]
		var sum float64
		for _, x := range row {
			sum += x
		}
		for c := range row {
			if sum == 0 {
				row[c] = 1 / float64(m.k)
			} else {
				row[c] /= sum
			}
		}
	}
	return nil
}

// Predict returns the most probable class of every row.
func (m *Model) Predict(v Votes) ([]int, error) {
	p, err := m.PredictProba(v)
	if err != nil {
		return nil, err
	}
	out := make([]int, v.N)
	for r := range out {
		row := p.RawRowView(r)
		for c, x := range row {
			if x > row[out[r]] {
				out[r] = c
			}
		}
	}
	return out, nil
}

// AccuraciesGivenVote returns the estimated P(λ_i = Y | λ_i votes) of each
// LF (see accuracies for the method).
func (m *Model) AccuraciesGivenVote() ([]float64, error) {
	if m.cb == nil {
		return nil, labelmodel.ErrNotFitted
	}
	return append([]float64(nil), m.acc...), nil
}

// ClassBalance returns the class balance used by the fit.
func (m *Model) ClassBalance() []float64 { return append([]float64(nil), m.cb...) }

// Save writes the fitted model as JSON: k and the k binary models.
func (m *Model) Save(w io.Writer) error {
	if m.cb == nil {
		return labelmodel.ErrNotFitted
	}
	doc := savedModel{Format: FormatName, Version: 1, K: m.k, ClassBalance: m.cb, Accuracies: m.acc, Warnings: m.warns}
	for _, b := range m.models {
		var buf bytes.Buffer
		if err := b.Save(&buf); err != nil {
			return err
		}
		doc.Models = append(doc.Models, buf.Bytes())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// FormatName identifies a saved multiclass model.
const FormatName = "squid-multiclass"

type savedModel struct {
	Format       string            `json:"format"`
	Version      int               `json:"version"`
	K            int               `json:"k"`
	ClassBalance []float64         `json:"class_balance"`
	Accuracies   []float64         `json:"accuracies"`
	Models       []json.RawMessage `json:"models"`
	// Warnings are the model's own (clamped accuracies); each binary
	// model keeps its own. Absent when there are none.
	Warnings []string `json:"warnings,omitempty"`
}

// ErrCorruptModel is wrapped by the errors Load returns for a damaged
// document.
var ErrCorruptModel = errors.New("corrupted model")

// Load reads a model written by Save. The document is decoded strictly
// (unknown fields and trailing data are errors) and checked before any
// binary model is built: k, the class balance (k probabilities summing to
// 1), the accuracies (m probabilities) and k binary models of one graph.
func Load(r io.Reader) (*Model, error) {
	var doc savedModel
	bad := func(format string, a ...any) (*Model, error) {
		return nil, fmt.Errorf("multiclass: %w: "+format, append([]any{ErrCorruptModel}, a...)...)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("multiclass: reading model: %w", err)
	}
	if err := strictjson.Decode(b, &doc); errors.Is(err, strictjson.ErrTrailingData) {
		return bad("data after the model document")
	} else if err != nil {
		return nil, fmt.Errorf("multiclass: reading model: %w", err)
	}
	if doc.Format != FormatName {
		return nil, fmt.Errorf("multiclass: not a squid multiclass model (format %q)", doc.Format)
	}
	if doc.Version != 1 {
		return nil, fmt.Errorf("multiclass: model format version %d is not supported (this build reads 1)", doc.Version)
	}
	if doc.K < 2 || doc.K > 127 || len(doc.Models) != doc.K || len(doc.ClassBalance) != doc.K {
		return bad("k = %d with %d models and %d class probabilities", doc.K, len(doc.Models), len(doc.ClassBalance))
	}
	if !distribution(doc.ClassBalance) {
		return bad("class_balance %v is not %d probabilities summing to 1", doc.ClassBalance, doc.K)
	}
	for i, a := range doc.Accuracies {
		if !(a >= 1/float64(doc.K) && a <= 1) {
			return bad("accuracy of LF %d is %v, outside [1/k, 1] = [%.4g, 1] where the %d-class estimate lies", i, a, 1/float64(doc.K), doc.K)
		}
	}
	m := &Model{k: doc.K, cb: doc.ClassBalance, acc: doc.Accuracies, warns: doc.Warnings}
	for c, raw := range doc.Models {
		b, err := labelmodel.Load(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("multiclass: class %d: %w", c, err)
		}
		if c > 0 && !specEqual(b.Spec(), m.spec) {
			return bad("the class models disagree on the graph")
		}
		m.spec = b.Spec()
		m.models = append(m.models, b)
		if c == 0 && len(m.acc) != m.spec.M {
			return bad("%d accuracies for %d LFs", len(m.acc), m.spec.M)
		}
	}
	if m.spec.Tasks() != 1 {
		return bad("the class models have v = %d tasks, want one", m.spec.Tasks())
	}
	return m, nil
}

func specEqual(a, b labelmodel.Spec) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// distribution reports whether x are probabilities summing to 1.
func distribution(x []float64) bool {
	var sum float64
	for _, v := range x {
		if !(v >= 0 && v <= 1) {
			return false
		}
		sum += v
	}
	return math.Abs(sum-1) < 1e-6
}
