package multiclass

import "github.com/squid-ws/squid/labelmodel"

// PredictLabels returns the hard label of every row: the most probable
// class 0..k-1, or -1 (abstain) where classes tie under
// labelmodel.TieAbstain (Snorkel's LabelModel.predict with
// tie_break_policy l.Policy()).
func (m *Model) PredictLabels(v Votes, l *labelmodel.Labeler) ([]int8, error) {
	p, err := m.PredictProba(v)
	if err != nil {
		return nil, err
	}
	out := make([]int8, v.N)
	for r := range out {
		out[r] = int8(l.Label(p.RawRowView(r)))
	}
	return out, nil
}
