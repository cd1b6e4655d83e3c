package fitflags

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/squid-ws/squid/votesio"
)

// Input are the flags that say how to read vote files.
type Input struct {
	Abstain  int
	Classes  int
	Chunk    int
	Header   bool
	NoHeader bool
	// AbstainGiven reports that --abstain was on the command line (set by
	// the flag Register defines): a given value is checked against
	// --classes and a model's recorded convention, a default one is not.
	AbstainGiven bool
}

// abstainFlag is --abstain: an int that records that it was given.
type abstainFlag struct{ in *Input }

func (a abstainFlag) String() string {
	if a.in == nil {
		return "0"
	}
	return strconv.Itoa(a.in.Abstain)
}

func (a abstainFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want 0 or -1")
	}
	a.in.Abstain, a.in.AbstainGiven = v, true
	return nil
}

// MaxChunk bounds --chunk; the buffer is also capped at
// votesio.ChunkBytes and at the file's rows (Source.ChunkRows).
const MaxChunk = 1 << 26

// Register defines --abstain, --classes, --chunk, --header and --no-header
// on fs.
func (in *Input) Register(fs *flag.FlagSet) {
	fs.Var(abstainFlag{in}, "abstain", "the value meaning abstain in the input: 0 (FlyingSquid: -1/+1 votes) or -1 (Snorkel: 0/1 votes; k-class votes always use -1); predict, score and analyze --model default to the model's")
	fs.IntVar(&in.Classes, "classes", 2, "number of classes; > 2 fits a multiclass model (votes are classes 0..k-1)")
	fs.IntVar(&in.Chunk, "chunk", 1<<20, "rows read at a time (memory stays bounded for any file size)")
	fs.BoolVar(&in.Header, "header", false, "the first line of every CSV input is a header (default: only when none of its fields is a number)")
	fs.BoolVar(&in.NoHeader, "no-header", false, "the first line of every CSV input is data")
}

// Convention checks the flags and returns how to read the vote files.
func (in Input) Convention() (votesio.Convention, error) {
	if in.Abstain != 0 && in.Abstain != -1 {
		return votesio.Convention{}, fmt.Errorf("--abstain %d: want 0 or -1", in.Abstain)
	}
	if in.Classes < 2 || in.Classes > 127 {
		return votesio.Convention{}, fmt.Errorf("--classes %d: want 2 to 127", in.Classes)
	}
	if in.Classes > 2 && in.AbstainGiven && in.Abstain == 0 {
		return votesio.Convention{}, fmt.Errorf("--abstain 0 with %d classes: class votes are 0..%d and -1 abstains; leave out --abstain", in.Classes, in.Classes-1)
	}
	if in.Chunk < 1 || in.Chunk > MaxChunk {
		return votesio.Convention{}, fmt.Errorf("--chunk %d: want 1 to %d rows", in.Chunk, MaxChunk)
	}
	header := votesio.HeaderAuto
	switch {
	case in.Header && in.NoHeader:
		return votesio.Convention{}, errors.New("give --header or --no-header, not both")
	case in.Header:
		header = votesio.HeaderPresent
	case in.NoHeader:
		header = votesio.HeaderAbsent
	}
	abstain := in.Abstain
	if in.Classes > 2 {
		abstain = -1 // classes start at 0
	}
	return votesio.Convention{Abstain: abstain, Classes: in.Classes, Header: header}, nil
}
