package fitflags

import (
	"fmt"

	"github.com/squid-ws/squid/votesio"
)

// Fitted is what a fitted model file says about the votes it reads: its
// classes and the abstain value of its fit's votes (Recorded is false for
// a binary model file from before the record, which reads --abstain as
// given, default 0).
type Fitted struct {
	Path     string // the model file, for errors
	Classes  int
	Abstain  int
	Recorded bool
}

// ModelConvention returns how to read vote files for a fitted model: its
// classes and its fit's vote convention. --classes (when classesGiven)
// and --abstain (when given) must agree with the model.
func (in Input) ModelConvention(m Fitted, classesGiven bool) (votesio.Convention, error) {
	if classesGiven && in.Classes != m.Classes {
		return votesio.Convention{}, fmt.Errorf("--classes %d: the model %s has %d classes", in.Classes, m.Path, m.Classes)
	}
	in.Classes = m.Classes
	if m.Recorded {
		if in.AbstainGiven && in.Abstain != m.Abstain {
			return votesio.Convention{}, fmt.Errorf("--abstain %d: the model %s was fitted on votes where %d means abstain (%s); leave out --abstain to read the votes as the fit did",
				in.Abstain, m.Path, m.Abstain, conventionName(m.Abstain, m.Classes))
		}
		in.Abstain = m.Abstain
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
