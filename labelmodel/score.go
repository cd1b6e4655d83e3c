package labelmodel

import "fmt"

// Scores measure hard labels against gold labels. Accuracy and F1 are
// taken over the rows the predictor labels (not those where it abstains),
// as Snorkel's LabelModel.score does with tie_break_policy "abstain";
// Coverage says how many rows that is.
type Scores struct {
	Rows     int     `json:"rows"`     // rows scored
	Labeled  int     `json:"labeled"`  // rows the predictor labels
	Coverage float64 `json:"coverage"` // Labeled / Rows (0 for no rows)
	Correct  int     `json:"correct"`  // labeled rows whose label is the gold one
	Accuracy float64 `json:"accuracy"` // Correct / Labeled (0 when nothing is labeled)
	// F1 is, for a binary task, the F1 score of class +1; for k classes,
	// the macro-F1: the mean F1 of the classes that occur among the gold
	// or the predicted labels of the labeled rows (scikit-learn's
	// f1_score(average="macro")). 0 when nothing is labeled.
	F1 float64 `json:"f1"`
}

// Score compares predicted labels with gold labels row by row. With
// classes = 2 labels are binary: -1 or +1, and a predicted 0 abstains (as
// from PredictLabels or MajorityVote). With classes = k > 2 labels are
// class ids 0..k-1, and a predicted -1 abstains (as from MajorityVoteClass).
// Gold labels never abstain. A label out of range is an error naming its
// row.
func Score(pred, gold []int8, classes int) (Scores, error) {
	if len(pred) != len(gold) {
		return Scores{}, fmt.Errorf("labelmodel: %d predicted labels for %d gold labels", len(pred), len(gold))
	}
	if classes < 2 || classes > 127 {
		return Scores{}, fmt.Errorf("labelmodel: scoring %d classes, want 2 to 127", classes)
	}
	// Class ids: binary -1 -> 0, +1 -> 1; abstain -> -1.
	id := func(x int8) (int, bool) {
		if classes == 2 {
			switch x {
			case -1:
				return 0, true
			case 1:
				return 1, true
			case 0:
				return -1, true
			}
			return 0, false
		}
		return int(x), x >= -1 && int(x) < classes
	}
	want := "-1 or +1"
	if classes > 2 {
		want = fmt.Sprintf("a class 0 to %d", classes-1)
	}
	tp := make([]int, classes)
	fp := make([]int, classes)
	fn := make([]int, classes)
	s := Scores{Rows: len(gold)}
	for r := range gold {
		g, ok := id(gold[r])
		if !ok || g < 0 {
			return Scores{}, fmt.Errorf("labelmodel: gold label %d in row %d: want %s", gold[r], r, want)
		}
		p, ok := id(pred[r])
		if !ok {
			return Scores{}, fmt.Errorf("labelmodel: predicted label %d in row %d: want %s or abstain", pred[r], r, want)
		}
		if p < 0 {
			continue
		}
		s.Labeled++
		if p == g {
			s.Correct++
			tp[g]++
		} else {
			fp[p]++
			fn[g]++
		}
	}
	if s.Rows > 0 {
		s.Coverage = float64(s.Labeled) / float64(s.Rows)
	}
	if s.Labeled == 0 {
		return s, nil
	}
	s.Accuracy = float64(s.Correct) / float64(s.Labeled)
	f1 := func(c int) float64 {
		if d := 2*tp[c] + fp[c] + fn[c]; d > 0 {
			return float64(2*tp[c]) / float64(d)
		}
		return 0
	}
	if classes == 2 {
		s.F1 = f1(1)
		return s, nil
	}
	present := 0
	for c := range classes {
		if tp[c]+fp[c]+fn[c] > 0 {
			present++
			s.F1 += f1(c)
		}
	}
	s.F1 /= float64(present)
	return s, nil
}
