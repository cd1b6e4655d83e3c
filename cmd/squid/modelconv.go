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
func modelConvention(m fitflags.Model, fs *flag.FlagSet, path string, in fitflags.Input) (votesio.Convention, error) {
	return in.ModelConvention(m.Fitted(path), given(fs, "classes"))
}
