package fsloss

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
)

// This file holds the seam with package cuda: Segment, Push, Atomic and
// PosWeight, described in the package documentation ("The seam with
// package cuda").

// Segment is a run of rows [From, To) of a batch labelled by one fitted
// label model (the model changes only at refits). It is part of the seam
// with package cuda (see the package documentation).
type Segment struct {
	From, To int
	// LogOdds is that model's per-LF log-odds table
	// (labelmodel.Model.LogOddsTable), for a fused loss that makes the
	// labels itself; nil when the model has none, and then Labels holds the
	// segment's probabilistic labels.
	LogOdds cpu.LogOdds
	Labels  []float64
}

// Push adds a batch's weak labels (batch x m) to the buffer, refitting as
// Forward does, without scoring: it returns the validated votes and the
// segments of rows that share a fitted model, for a loss computed elsewhere
// (the fused GPU loss of package cuda). Forward is the same push followed
// by labelling and scoring on the CPU. Push needs a one-task model; on
// error nothing is changed. It is part of the seam with package cuda (see
// the package documentation).
func (l *Loss) Push(weakLabels *tensor.Dense) ([]int8, []Segment, error) {
	if l.cfg.Spec.Tasks() != 1 {
		return nil, nil, fmt.Errorf("fsloss: Push needs a one-task model, this one has v = %d", l.cfg.Spec.Tasks())
	}
	if weakLabels == nil || len(weakLabels.Shape()) != 2 {
		return nil, nil, fmt.Errorf("fsloss: weak labels must be (batch, %d)", l.cfg.Spec.M)
	}
	m, batch := l.cfg.Spec.M, weakLabels.Shape()[0]
	votes, err := readVotes(weakLabels, batch, m, !l.cfg.Spec.NoAbstentions)
	if err != nil {
		return nil, nil, err
	}
	var segs []Segment
	err = l.batch(batch, func(r int) error { return l.push(votes[r*m : (r+1)*m]) }, func(a, b int) error {
		seg := Segment{From: a, To: b}
		if table, ok := l.model.LogOddsTable(); ok && !l.cfg.ClampVals {
			seg.LogOdds = table
		} else {
			seg.Labels = make([]float64, b-a)
			if err := l.label(seg.Labels, make([]float64, 2*(b-a)), votes[a*m:b*m]); err != nil {
				return err
			}
		}
		segs = append(segs, seg)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return votes, segs, nil
}

// Atomic runs f, which may call Push and Forward; when f returns an error,
// everything they changed (buffer, its position, statistics, fitted model)
// is put back exactly and the error returned. It is how a loss computed
// elsewhere (package cuda) keeps a failed step from changing the loss after
// Push succeeded, at the cost of a journal of the rows pushed rather than a
// checkpoint. Atomic calls do not nest. It is part of the seam with package
// cuda (see the package documentation).
func (l *Loss) Atomic(f func() error) error {
	if l.atomic != nil {
		panic("fsloss: Atomic calls do not nest")
	}
	l.atomic = l.ring.begin()
	saved := *l.model
	err := f()
	j := l.atomic
	l.atomic = nil
	if err == nil {
		return nil
	}
	if rerr := j.rollback(&l.ring, l.stats.RemoveRow, l.stats.AddRow); rerr != nil {
		return fmt.Errorf("%w (and restoring the buffer failed: %v)", err, rerr)
	}
	*l.model = saved
	return err
}

// PosWeight returns the positive-class weight of the loss (Config.PosWeight,
// 1 when it was 0), for a loss computed outside this package: part of the
// seam with package cuda (see the package documentation).
func (l *Loss) PosWeight() float64 { return l.cfg.PosWeight }
