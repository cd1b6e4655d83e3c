package main

import (
	"flag"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/votesio"
)

// convention returns how to read vote files for the model at path: its
// classes and the vote convention of its fit (-1 abstains for a
// multiclass model; a binary one's recorded value). --classes or
// --abstain given on the command line (fs) must agree with the model.
func (m anyModel) convention(fs *flag.FlagSet, path string, in fitflags.Input) (votesio.Convention, error) {
	f := fitflags.Fitted{Path: path, Classes: m.classes(), Abstain: -1, Recorded: true}
	if m.binary != nil {
		f.Abstain, f.Recorded = m.binary.VoteAbstain()
	}
	return in.ModelConvention(f, given(fs, "classes"))
}
