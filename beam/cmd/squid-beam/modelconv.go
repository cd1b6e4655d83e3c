package main

import (
	"bytes"
	"flag"
	"fmt"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// modelConvention returns how to read the votes for the model file b: the
// vote convention its fit recorded, which an --abstain given must agree
// with (as in squid predict).
func modelConvention(o *options, b []byte) (votesio.Convention, error) {
	m, err := labelmodel.Load(bytes.NewReader(b))
	if err != nil {
		return votesio.Convention{}, fmt.Errorf("%s: %w", o.model, err)
	}
	a, rec := m.VoteAbstain()
	classes := false
	flag.Visit(func(f *flag.Flag) { classes = classes || f.Name == "classes" })
	return o.in.ModelConvention(fitflags.Fitted{Path: o.model, Classes: 2, Abstain: a, Recorded: rec}, classes)
}
