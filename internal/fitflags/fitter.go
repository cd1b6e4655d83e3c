package fitflags

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
	"github.com/squid-ws/squid/votesio"
)

// Fitter accumulates statistics chunk by chunk and fits a binary or a
// multiclass model from them. Exactly one of Binary and Multi is set.
type Fitter struct {
	Binary *labelmodel.Model
	BStats *labelmodel.Stats
	Multi  *multiclass.Model
	MStats []*labelmodel.Stats
}

// Classes returns the number of classes the fitter fits: k, or 2.
func (f *Fitter) Classes() int {
	if f.Multi != nil {
		return f.Multi.K()
	}
	return 2
}

// NewFitter returns an empty fitter for the graph: a multiclass model for
// classes > 2, else a binary one.
func NewFitter(spec labelmodel.Spec, classes int) (*Fitter, error) {
	f := &Fitter{}
	var err error
	if classes > 2 {
		if f.Multi, err = multiclass.New(spec, classes); err == nil {
			f.MStats = f.Multi.NewStats()
		}
	} else if f.Binary, err = labelmodel.New(spec); err == nil {
		f.BStats = f.Binary.NewStats()
	}
	return f, err
}

// Add counts n rows of m votes (row-major, internal convention).
func (f *Fitter) Add(data []int8, n, m int) error {
	if f.Multi != nil {
		return f.Multi.AddStats(f.MStats, multiclass.Votes{N: n, M: m, Data: data})
	}
	return f.BStats.Add(labelmodel.Votes{N: n, M: m, Data: data})
}

// Check reports whether o can fit the model (method, class balance, dev
// labels, options that apply to binary models only) before any vote is
// read.
func (f *Fitter) Check(o labelmodel.Options) error {
	if f.Multi != nil {
		mo, err := multiclassOptions(o)
		if err != nil {
			return err
		}
		return f.Multi.CheckOptions(mo)
	}
	return f.Binary.CheckOptions(o)
}

// Fit fits the model from the statistics counted so far.
func (f *Fitter) Fit(o labelmodel.Options) error {
	if f.Multi != nil {
		mo, err := multiclassOptions(o)
		if err != nil {
			return err
		}
		return f.Multi.FitStats(f.MStats, mo)
	}
	return f.Binary.FitStats(f.BStats, o)
}

// RecordConvention records in a fitted binary model the value that meant
// abstain in the vote files (conv.Abstain), so that Save writes it and a
// command that reads votes for the model reads them as the fit did. A
// multiclass model needs no record: its votes are classes, -1 abstains.
func (f *Fitter) RecordConvention(conv votesio.Convention) error {
	if f.Binary == nil {
		return nil
	}
	return f.Binary.SetVoteAbstain(conv.Abstain)
}

// Save writes the fitted model as JSON.
func (f *Fitter) Save(w io.Writer) error {
	if f.Multi != nil {
		return f.Multi.Save(w)
	}
	return f.Binary.Save(w)
}

// Warnings returns the fit's warnings: the binary model's, or each class
// model's prefixed by its class.
func (f *Fitter) Warnings() []string {
	if f.Binary != nil {
		return f.Binary.Warnings()
	}
	var out []string
	for c := range f.Multi.K() {
		for _, w := range f.Multi.Binary(c).Warnings() {
			out = append(out, fmt.Sprintf("class %d vs the rest: %s", c, w))
		}
	}
	return out
}

// stats returns the statistics: one, or one per class.
func (f *Fitter) stats() []*labelmodel.Stats {
	if f.Multi != nil {
		return f.MStats
	}
	return []*labelmodel.Stats{f.BStats}
}

// MarshalStats encodes the statistics counted so far: their count, then
// each one's binary encoding prefixed by its length (uvarints).
func (f *Fitter) MarshalStats() ([]byte, error) {
	return encodeStats(f.stats())
}

// UnmarshalStats replaces the statistics by an encoding of MarshalStats
// (or MergeStats) from a fitter of the same graph and classes.
func (f *Fitter) UnmarshalStats(enc []byte) error {
	s, err := decodeStats(enc)
	if err != nil {
		return err
	}
	if len(s) != len(f.stats()) {
		return fmt.Errorf("fitflags: %d encoded statistics, the fitter has %d", len(s), len(f.stats()))
	}
	for i, x := range s {
		if x.M() != f.stats()[i].M() {
			return fmt.Errorf("fitflags: encoded statistics of %d LFs, the fitter has %d", x.M(), f.stats()[i].M())
		}
	}
	if f.Multi != nil {
		f.MStats = s
	} else {
		f.BStats = s[0]
	}
	return nil
}

// MergeStats adds two encodings of MarshalStats (nil is the empty one).
func MergeStats(a, b []byte) ([]byte, error) {
	if a == nil {
		return b, nil
	}
	if b == nil {
		return a, nil
	}
	sa, err := decodeStats(a)
	if err != nil {
		return nil, err
	}
	sb, err := decodeStats(b)
	if err != nil {
		return nil, err
	}
	if len(sa) != len(sb) {
		return nil, fmt.Errorf("fitflags: merging %d statistics with %d", len(sa), len(sb))
	}
	for i := range sa {
		if err := sa[i].Merge(sb[i]); err != nil {
			return nil, err
		}
	}
	return encodeStats(sa)
}

func encodeStats(s []*labelmodel.Stats) ([]byte, error) {
	out := binary.AppendUvarint(nil, uint64(len(s)))
	for _, x := range s {
		b, err := x.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out = binary.AppendUvarint(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out, nil
}

var errCorrupt = errors.New("fitflags: corrupt statistics encoding")

func decodeStats(b []byte) ([]*labelmodel.Stats, error) {
	k, n := binary.Uvarint(b)
	if n <= 0 || k > 127 {
		return nil, errCorrupt
	}
	b = b[n:]
	out := make([]*labelmodel.Stats, k)
	for i := range out {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return nil, errCorrupt
		}
		out[i] = new(labelmodel.Stats)
		if err := out[i].UnmarshalBinary(b[n : n+int(l)]); err != nil {
			return nil, err
		}
		b = b[n+int(l):]
	}
	if len(b) != 0 {
		return nil, errCorrupt
	}
	return out, nil
}
