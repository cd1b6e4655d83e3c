package labelmodel

import "fmt"

// VoteAbstain returns the value that meant "abstain" in the vote files the
// model was fitted on, as recorded by SetVoteAbstain: 0 (FlyingSquid's
// -1/0/+1 votes) or -1 (Snorkel's 0/1 votes, -1 abstaining). recorded is
// false for a model whose file predates the record (or that was never
// told); such a model reads 0 by default. The model itself always works
// on -1/0/+1 votes: the record is for the tools that read vote files, so
// that predicting with a model reads the votes as the fit did.
func (m *Model) VoteAbstain() (abstain int, recorded bool) {
	if m.voteAbstain == nil {
		return 0, false
	}
	return *m.voteAbstain, true
}

// SetVoteAbstain records the value that meant "abstain" in the vote files
// of the fit (0 or -1); Save writes it as "vote_abstain".
func (m *Model) SetVoteAbstain(abstain int) error {
	if abstain != 0 && abstain != -1 {
		return fmt.Errorf("labelmodel: vote abstain value %d: want 0 or -1", abstain)
	}
	m.voteAbstain = &abstain
	return nil
}

// loadVoteAbstain checks and takes a saved document's record, if any.
func (m *Model) loadVoteAbstain(doc *savedModel) error {
	if doc.VoteAbstain == nil {
		return nil
	}
	if a := *doc.VoteAbstain; a != 0 && a != -1 {
		return fmt.Errorf("vote_abstain = %d, want 0 or -1", a)
	}
	m.voteAbstain = doc.VoteAbstain
	return nil
}
