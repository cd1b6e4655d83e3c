package labelmodel

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// checksumPrefix starts the value of a saved model's "checksum" field.
const checksumPrefix = "sha256:"

// checksum returns the digest Save records of what a model computes
// with: everything in the document but the checksum itself, the warnings
// and the vote convention (metadata a user may record or change by hand,
// checked on its own by Load). The fitted numbers are not redundant in a way Load could
// check otherwise: a fit's marginals are the solution of its linear
// systems after negative entries are repaired and the result normalised,
// so they legitimately differ from the expectations and abstain rates
// (by 0.2 on the golden lfdeps case). The checksum is what catches an
// edit of one of them that leaves the others as they were.
func (doc savedModel) checksum() string {
	doc.Checksum, doc.Warnings, doc.VoteAbstain = "", nil, nil
	b, err := json.Marshal(doc)
	if err != nil { // a number JSON cannot hold: Save's encoder says so
		return ""
	}
	sum := sha256.Sum256(b)
	return checksumPrefix + hex.EncodeToString(sum[:])
}

// checkChecksum verifies the checksum when the document has one (files
// written before it existed, or whose checksum the user removed to keep a
// deliberate edit, load without).
func (doc *savedModel) checkChecksum() error {
	if doc.Checksum == "" {
		return nil
	}
	if !strings.HasPrefix(doc.Checksum, checksumPrefix) {
		return fmt.Errorf("checksum %q is not %s followed by a hex digest", doc.Checksum, checksumPrefix)
	}
	if doc.checksum() != doc.Checksum {
		return errors.New("its numbers do not match its checksum: the file was edited or damaged after it was saved (refit the model; to keep a deliberate edit, delete the \"checksum\" field)")
	}
	return nil
}

// checkExpectation validates one saved expectation against the per-LF
// abstain rates: a finite value and probability, neither negative (the
// triplet method estimates |E|), and, for the expectation of one LF with
// at most one LF in its condition, the probability the fit derives from
// the value, (1 + E - P(λ_i = 0)) / 2 · P(λ_c = 0) (when the model needs
// it: the triplet method also estimates, and Save writes with probability
// 0, expectations no marginal uses), so that an edit of
// either is caught even without a checksum. There is no upper bound: a
// fit can estimate an impossible |E| (above the LF's coverage, even above
// 1) and save it with a warning, and Load must read what Save wrote;
// loadWarnings repeats that warning.
func (m *Model) checkExpectation(s savedExp, abstain []float64) error {
	e := expectation{lfs: s.LFs, t: s.Task, cond: s.Cond}
	name := m.g.pyString(e, m.noAbs)
	if !finite(s.Value) || !finite(s.Probability) {
		return fmt.Errorf("expectation %s is not a finite number", name)
	}
	if s.Value < 0 || s.Probability < 0 {
		return fmt.Errorf("expectation %s has value %v and probability %v: neither can be negative", name, s.Value, s.Probability)
	}
	if len(s.LFs) != 1 || len(s.Cond) > 1 || !slices.ContainsFunc(m.expectations, e.equal) {
		return nil
	}
	want := 0.5 * (1 + s.Value)
	if !m.noAbs {
		want = 0.5 * (1 + s.Value - abstain[s.LFs[0]])
		if len(s.Cond) == 1 {
			want *= abstain[s.Cond[0]]
		}
	}
	if math.Abs(want-s.Probability) > 1e-9 {
		return fmt.Errorf("expectation %s has value %v and probability %v, but that value and the abstain_rates give probability %v", name, s.Value, s.Probability, want)
	}
	return nil
}

// loadWarnings re-derives the warnings a loaded model's numbers call for,
// so that a file saved before a check existed, or edited, still says
// which of its estimates are impossible.
func (m *Model) loadWarnings(f *fitted) {
	for _, e := range f.estimate.members {
		if len(e.lfs) == 1 && len(e.cond) == 0 {
			cover := 1.0
			if !m.noAbs {
				cover = 1 - f.abstain[e.lfs[0]]
			}
			if w := m.impossibleWarning(e, f.estimate.value[e.key()], cover); w != "" {
				f.warn(w)
			}
		}
	}
}

// corruptError is an error of Load about a damaged document: it wraps
// ErrCorruptModel and the cause (a *GraphError, say), and says
// "labelmodel:" once.
type corruptError struct {
	cause error
}

func (e *corruptError) Error() string {
	return "labelmodel: " + ErrCorruptModel.Error() + ": " + strings.TrimPrefix(e.cause.Error(), "labelmodel: ")
}

func (e *corruptError) Unwrap() []error { return []error{ErrCorruptModel, e.cause} }
