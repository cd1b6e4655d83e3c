//go:build !nocuda

package cuda

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/squid-ws/squid/fsloss"
)

// lossPlan says how squid_loss_step labels each row of one batch: model[r]
// >= 0 is the index of the row's fitted model in tables (log-odds tables of
// 3m+1 values each, labelmodel's Model.LogOddsTable), and model[r] = -1-j
// means the label given[j], made on the host (warm-up majority votes,
// ClampVals, a model without a table). However many refits a batch holds,
// it is one plan and one launch.
type lossPlan struct {
	m      int
	model  []int32
	given  []float64
	tables []float64
}

// planSegments turns fsloss.Loss.Push's segments, which must cover rows
// [0, batch) in order, into a plan.
func planSegments(segs []fsloss.Segment, batch, m int) (lossPlan, error) {
	if batch > math.MaxInt32 {
		return lossPlan{}, fmt.Errorf("cuda: a loss batch of %d rows; at most %d", batch, math.MaxInt32)
	}
	p := lossPlan{m: m, model: make([]int32, batch)}
	next := 0
	for i, s := range segs {
		if s.From != next || s.To < s.From || s.To > batch {
			return lossPlan{}, fmt.Errorf("cuda: segment %d is rows [%d, %d), want rows from %d up to at most %d", i, s.From, s.To, next, batch)
		}
		next = s.To
		switch {
		case s.LogOdds != nil:
			if len(s.LogOdds) != 3*m+1 {
				return lossPlan{}, fmt.Errorf("cuda: segment %d has a log-odds table of %d values, want 3m+1 = %d", i, len(s.LogOdds), 3*m+1)
			}
			k := int32(len(p.tables) / (3*m + 1))
			p.tables = append(p.tables, s.LogOdds...)
			for r := s.From; r < s.To; r++ {
				p.model[r] = k
			}
		case len(s.Labels) == s.To-s.From:
			for r := s.From; r < s.To; r++ {
				p.model[r] = int32(-1 - len(p.given))
				p.given = append(p.given, s.Labels[r-s.From])
			}
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
// then the given labels, the tables, the model indices and the votes.
type stepLayout struct{ given, tables, model, votes, end int64 }

func (p lossPlan) layout() stepLayout {
	var l stepLayout
	l.given = 8
	l.tables = l.given + 8*int64(len(p.given))
	l.model = l.tables + 8*int64(len(p.tables))
	l.votes = l.model + (4*int64(len(p.model))+7)/8*8
	l.end = l.votes + int64(len(p.model))*int64(p.m)
	return l
}

// stage writes a step's input into dst (at least layout().end bytes) in
// that layout.
func (p lossPlan) stage(dst []byte, votes []int8) {
	l := p.layout()
	clear(dst[:8])
	put(dst[l.given:], p.given)
	put(dst[l.tables:], p.tables)
	put(dst[l.model:], p.model)
	put(dst[l.votes:], votes)
}

// put copies the bytes of src to the start of dst.
func put[T any](dst []byte, src []T) {
	if len(src) == 0 {
		return
	}
	n := len(src) * int(unsafe.Sizeof(src[0]))
	copy(dst[:n], unsafe.Slice((*byte)(unsafe.Pointer(&src[0])), n))
}
