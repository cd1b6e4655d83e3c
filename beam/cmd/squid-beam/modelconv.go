package main

import (
	"flag"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/votesio"
)

// modelConvention returns how to read the votes for the model file b: the
// vote convention its fit recorded, which an --abstain given must agree
// with (as in squid predict).
func modelConvention(o *options, b []byte) (votesio.Convention, error) {
	m, err := fitflags.LoadModel(b, o.model)
	if err != nil {
		return votesio.Convention{}, err
	}
	classes := false
	flag.Visit(func(f *flag.Flag) { classes = classes || f.Name == "classes" })
	return o.in.ModelConvention(m.Fitted(o.model), classes)
}
