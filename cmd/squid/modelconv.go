package main

import (
	"flag"
	"fmt"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/votesio"
)

// voteAbstain returns the value that meant abstain in the model's fit
// votes: -1 for a multiclass model, the recorded value of a binary one
// (recorded is false for a model file from before the record, read as 0).
func (m anyModel) voteAbstain() (abstain int, recorded bool) {
	if m.multi != nil {
		return -1, true
	}
	return m.binary.VoteAbstain()
}

// convention returns how to read vote files for the model at path: its
// classes and the vote convention of its fit. --classes or --abstain given
// on the command line (fs) must agree with the model; a model file
// without a record takes --abstain as given (default 0).
func (m anyModel) convention(fs *flag.FlagSet, path string, in fitflags.Input) (votesio.Convention, error) {
	if given(fs, "classes") && in.Classes != m.classes() {
		return votesio.Convention{}, fmt.Errorf("--classes %d: the model %s has %d classes", in.Classes, path, m.classes())
	}
	in.Classes = m.classes()
	if a, recorded := m.voteAbstain(); recorded {
		if in.AbstainGiven && in.Abstain != a {
			return votesio.Convention{}, fmt.Errorf("--abstain %d: the model %s was fitted on votes where %d means abstain (%s); leave out --abstain to read the votes as the fit did",
				in.Abstain, path, a, conventionName(a, m.classes()))
		}
		in.Abstain = a
	}
	return in.Convention()
}

// conventionName describes a vote convention in words.
func conventionName(abstain, classes int) string {
	switch {
	case classes > 2:
		return fmt.Sprintf("class votes 0..%d", classes-1)
	case abstain == -1:
		return "Snorkel's 0/1 votes"
	}
	return "FlyingSquid's -1/+1 votes"
}
