package labelmodel

// Names kept so that programs written against older releases still build.
// Each has a "Deprecated:" paragraph, which go doc, gopls and pkgsite
// recognise (pkgsite folds them away, staticcheck flags their use).

// PredictMarginalInto is PredictProbaMarginalInto under its old name.
//
// Deprecated: use PredictProbaMarginalInto, the name that pairs with
// PredictProbaMarginal as PredictProbaInto pairs with PredictProba. This
// alias does the same and will stay until the next major version.
func (m *Model) PredictMarginalInto(out, scratch []float64, v Votes) error {
	return m.PredictProbaMarginalInto(out, scratch, v)
}
