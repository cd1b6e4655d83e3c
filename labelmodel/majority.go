package labelmodel

// MajorityVote returns the label most of a row's binary votes give (-1/+1
// votes, 0 abstains): +1 or -1, or 0 (abstain) when the votes tie under
// TieAbstain. A row on which every LF abstains is a tie. It is the
// baseline a label model has to beat (Snorkel's MajorityLabelVoter).
func MajorityVote(row []int8, l *Labeler) int8 {
	var counts [2]float64
	for _, v := range row {
		switch v {
		case -1:
			counts[0]++
		case 1:
			counts[1]++
		}
	}
	return binaryLabel(l.Label(counts[:]))
}

// MajorityVoteClass returns the class most of a row's class votes give
// (votes 0..k-1, -1 abstains): a class id, or -1 (abstain) when classes tie
// under TieAbstain. Votes outside 0..k-1 are not counted.
func MajorityVoteClass(row []int8, k int, l *Labeler) int8 {
	counts := make([]float64, k)
	for _, v := range row {
		if v >= 0 && int(v) < k {
			counts[v]++
		}
	}
	return int8(l.Label(counts))
}

// MajorityVoteLabels returns the majority vote of every row of binary
// votes (see MajorityVote).
func MajorityVoteLabels(v Votes, l *Labeler) []int8 {
	out := make([]int8, v.N)
	for r := range out {
		out[r] = MajorityVote(v.Row(r), l)
	}
	return out
}
