package main

import (
	"fmt"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// conventionWarning says when votes read with --abstain -1 (Snorkel's
// 0/1 votes, -1 abstains) look like FlyingSquid's -1/0/+1 with 0 as
// abstain: no -1 at all in the file, or more than half the values 0 and
// fewer -1s than 0s (Snorkel's matrices are mostly -1, abstentions).
// Internally a file's -1 is an abstention and its 0 a negative vote.
func conventionWarning(s *labelmodel.Stats, conv votesio.Convention) string {
	if s == nil || conv.Abstain != -1 || !conv.Binary() {
		return ""
	}
	var zeros, minus, all int64
	for i := range s.M() {
		c := s.VoteCounts(i)
		zeros, minus = zeros+c[0], minus+c[1]
	}
	all = s.N() * int64(s.M())
	switch {
	case all == 0:
		return ""
	case minus == 0:
		return "--abstain -1: the votes have no -1 (no LF ever abstains); if 0 means abstain in this file (FlyingSquid's -1/0/+1), leave out --abstain -1"
	case 2*zeros > all && minus < zeros:
		return fmt.Sprintf("--abstain -1: %.0f%% of the votes are 0 and only %.0f%% are -1, which looks like FlyingSquid's -1/0/+1 with 0 as abstain; if so, leave out --abstain -1",
			100*float64(zeros)/float64(all), 100*float64(minus)/float64(all))
	}
	return ""
}
