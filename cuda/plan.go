//go:build !nocuda

package cuda

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
)

// lossPlan says how squid_loss_step labels each row of one batch, from
// fsloss.Loss.Push's segments: model[r] >= 0 is the index of the row's
// fitted model in tables (log-odds tables of 3m+1 values each,
// labelmodel's Model.LogOddsTable), and model[r] = -1-j means the label
// given[j], made on the host (warm-up majority votes, ClampVals, a model
// without a table). However many refits a batch holds, it is one plan, one
// copy and one launch. The plan only refers to the segments and votes; stage
// writes the kernel's input straight into the copy's pinned source.
type lossPlan struct {
	m, batch       int
	segs           []fsloss.Segment
	votes          []int8
	tables, labels int // how many tables and given labels
}

// planSegments checks that segs cover rows [0, batch) in order, each with
// a table of 3m+1 values or one label per row, and that votes has batch x
// m values.
func planSegments(segs []fsloss.Segment, votes []int8, batch, m int) (lossPlan, error) {
	if batch > math.MaxInt32 {
		return lossPlan{}, fmt.Errorf("cuda: a loss batch of %d rows; at most %d", batch, math.MaxInt32)
	}
	if m <= 0 || len(votes) != batch*m {
		return lossPlan{}, fmt.Errorf("cuda: %d votes for a loss batch of %d rows and m = %d", len(votes), batch, m)
	}
	p := lossPlan{m: m, batch: batch, segs: segs, votes: votes}
	next := 0
	for i, s := range segs {
		if s.From != next || s.To < s.From || s.To > batch {
			return lossPlan{}, fmt.Errorf("cuda: segment %d is rows [%d, %d), want rows from %d up to at most %d", i, s.From, s.To, next, batch)
		}
		next = s.To
		switch {
		case s.LogOdds != nil:
			if len(s.LogOdds) != cpu.LogOddsLen(m) {
				return lossPlan{}, fmt.Errorf("cuda: segment %d has a log-odds table of %d values, want 3m+1 = %d", i, len(s.LogOdds), cpu.LogOddsLen(m))
			}
			p.tables++
		case len(s.Labels) == s.To-s.From:
			p.labels += len(s.Labels)
		default:
			return lossPlan{}, fmt.Errorf("cuda: segment %d (rows [%d, %d)) has %d labels and no log-odds table", i, s.From, s.To, len(s.Labels))
		}
	}
	if next != batch {
		return lossPlan{}, fmt.Errorf("cuda: the segments cover rows [0, %d) of a batch of %d", next, batch)
	}
	return p, nil
}

// stepLayout is where each part of a step's input lies, in bytes, in the
// one host-to-device copy: the loss accumulator (one float64 zero) at 0,
// then the given labels (float64), the tables (float64), the model
// indices (int32) and the votes (int8).
type stepLayout struct{ given, tables, model, votes, end int64 }

func (p lossPlan) layout() stepLayout {
	var l stepLayout
	l.given = 8
	l.tables = l.given + 8*int64(p.labels)
	l.model = l.tables + 8*int64(p.tables*(3*p.m+1))
	l.votes = l.model + (4*int64(p.batch)+7)/8*8
	l.end = l.votes + int64(p.batch)*int64(p.m)
	return l
}

// stage writes the step's input into dst (at least layout().end bytes) in
// that layout, little-endian as on the GPU.
func (p lossPlan) stage(dst []byte) {
	l := p.layout()
	clear(dst[:8])
	given, tables, model := dst[l.given:l.tables], dst[l.tables:l.model], dst[l.model:l.votes]
	var g, k int
	for _, s := range p.segs {
		code := int32(k)
		if s.LogOdds != nil {
			put(tables[8*(3*p.m+1)*k:], s.LogOdds)
			k++
		}
		for r := s.From; r < s.To; r++ {
			if s.LogOdds == nil {
				code = int32(-1 - g)
				binary.LittleEndian.PutUint64(given[8*g:], math.Float64bits(s.Labels[r-s.From]))
				g++
			}
			binary.LittleEndian.PutUint32(model[4*r:], uint32(code))
		}
	}
	put(dst[l.votes:], p.votes)
}

// put copies the bytes of src to the start of dst.
func put[T any](dst []byte, src []T) {
	if len(src) == 0 {
		return
	}
	n := len(src) * int(unsafe.Sizeof(src[0]))
	copy(dst[:n], unsafe.Slice((*byte)(unsafe.Pointer(&src[0])), n))
}
