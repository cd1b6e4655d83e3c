package multiclass

import "fmt"

// impossibleTolerance absorbs rounding in an accuracy estimate that is 1
// exactly (an LF always right when it votes).
const impossibleTolerance = 1e-9

// accuracyWarnings names the LFs whose k-class accuracy estimate exceeds
// 1, an impossible value that AccuraciesGivenVote clamps to 1.
func (m *Model) accuracyWarnings(raw []float64) []string {
	var out []string
	for i, a := range raw {
		if a > 1+impossibleTolerance {
			out = append(out, fmt.Sprintf("the accuracy estimate of %s is %.4g, above 1, which is impossible (the LFs may be dependent or the sample too small): its accuracy given a vote is clamped to 1", m.spec.LF(i), a))
		}
	}
	return out
}

// Warnings returns the fit diagnostics: the model's own (accuracy
// estimates above 1, clamped), then those of each class's one-vs-rest
// binary model, prefixed "class c vs the rest: ". Nil before a fit.
func (m *Model) Warnings() []string {
	if m.cb == nil {
		return nil
	}
	out := append([]string(nil), m.warns...)
	for c, b := range m.models {
		for _, w := range b.Warnings() {
			out = append(out, fmt.Sprintf("class %d vs the rest: %s", c, w))
		}
	}
	return out
}
