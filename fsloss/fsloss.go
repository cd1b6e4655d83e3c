// Package fsloss exposes the FlyingSquid label model as an online training
// loss over gorgonia tensors. For every row of a batch, Loss stores the
// row's weak labels (LF votes) in a ring buffer, refits the label model on
// the buffer every UpdateFrequency rows, turns the row's votes into
// probabilistic labels and scores the model's logits against them with
// BCE-with-logits. Go has no autograd, so Forward also returns the gradient
// with respect to the logits, ready for the trainer's backward pass.
//
// The semantics are those of FlyingSquid's FSLoss (per-row insertion,
// refit when the buffer index is a multiple of UpdateFrequency), with one
// difference by default: the first fit waits for a warm-up of rows
// (Config.WarmUp), where the reference fits its first model on a single
// row; WarmUp: 1 reproduces the reference exactly. The buffer's sufficient
// statistics are updated incrementally (add the new row, remove the
// evicted one), so a refit costs O(m^2) plus the triplet solve whatever
// the buffer size.
//
// # The seam with package cuda
//
// Package cuda's fused loss (cuda.Loss) computes labels, loss and
// gradient on the GPU in one pass, but the online state (ring buffer,
// statistics, warm-up, refits, rollback on error) must stay the one Loss
// keeps, so that a GPU run and a CPU run see the same models. Four
// exported names carry that contract, as hash/crc32 documents its arch*
// functions for its assembly:
//
//   - Push does everything Forward does but label and score: it validates
//     the batch's votes, pushes them row by row (refitting as Forward
//     would) and returns the votes with the Segments of rows that share a
//     fitted model. A failed Push changes nothing.
//   - Atomic undoes a successful Push (and any Forward) exactly when the
//     caller's own work then fails, so the loss is left as it was.
//   - Segment tells the caller how to label its rows: from LogOdds, the
//     model's flat log-odds table (cpu.LogOdds), when the model has one
//     and labels are not clamped, else from Labels, made on the CPU.
//   - PosWeight is the positive-class weight the caller must score with.
//
// The caller must then compute exactly what Forward would: for each row,
// P(Y=+1) = sigmoid(LogOdds.Logit(row)) or Labels[row-From], and PyTorch's
// BCE-with-logits with PosWeight, averaged as Result documents. cuda's
// self-test and its tests hold the GPU to Forward's numbers.
package fsloss

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/labelmodel"
)

// Config configures a Loss. Spec.M (the number of LFs) is required; the
// other fields have FlyingSquid's defaults, except WarmUp (see there).
type Config struct {
	// Spec is the label model's graph: M LFs, V tasks (the logits have V
	// columns), edges; Spec.NoAbstentions forbids 0 votes.
	Spec labelmodel.Spec `json:"spec"`
	// Fit are the label model's fit options (class balance, dev labels,
	// solve method...).
	Fit labelmodel.Options `json:"fit"`
	// BufferCapacity is the number of most recent rows fitted on (100).
	BufferCapacity int `json:"buffer_capacity"`
	// UpdateFrequency refits every this many rows (10).
	UpdateFrequency int `json:"update_frequency"`
	// PosWeight weights the positive class in BCE-with-logits (0 means 1).
	PosWeight float64 `json:"pos_weight,omitempty"`
	// ClampVals turns the probabilistic labels into hard 0/1 labels
	// (>= 0.5 is 1).
	ClampVals bool `json:"clamp_vals,omitempty"`
	// WarmUp is the number of rows the buffer must hold before the label
	// model is first fitted (0 means min(BufferCapacity, 100)); until then
	// rows get soft majority-vote labels (see Labels). 1 is FlyingSquid's
	// behaviour: the first fit is on the first row alone.
	WarmUp int `json:"warm_up,omitempty"`
}

// Loss is the online FlyingSquid loss. It is not safe for concurrent use.
type Loss struct {
	cfg     Config
	model   *labelmodel.Model
	stats   *labelmodel.Stats
	ring    ring
	lfTasks [][2]int // the LF-task edges, for the warm-up's majority vote
	// atomic journals the pushes of an Atomic call in progress, nil outside one.
	atomic *journal
}

// New returns a Loss with an empty buffer.
func New(cfg Config) (*Loss, error) {
	if err := bufferDefaults(&cfg.BufferCapacity, &cfg.UpdateFrequency); err != nil {
		return nil, err
	}
	if cfg.PosWeight == 0 {
		cfg.PosWeight = 1
	}
	if !(cfg.PosWeight > 0) || math.IsInf(cfg.PosWeight, 0) {
		return nil, fmt.Errorf("fsloss: pos weight %v must be a positive number", cfg.PosWeight)
	}
	if err := warmUpDefault(&cfg); err != nil {
		return nil, err
	}
	model, err := labelmodel.New(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("fsloss: %w", err)
	}
	if err := model.CheckOptions(cfg.Fit); err != nil {
		return nil, fmt.Errorf("fsloss: fit options: %w", err)
	}
	l := &Loss{cfg: cfg, model: model, stats: model.NewStats(),
		ring: newRing(cfg.Spec.M, cfg.BufferCapacity, cfg.UpdateFrequency)}
	l.ring.warmUp = cfg.WarmUp
	l.lfTasks = lfTaskEdges(cfg.Spec)
	return l, nil
}

// Model returns the label model as last fitted (nil-safe to query: it
// reports ErrNotFitted before the first row).
func (l *Loss) Model() *labelmodel.Model { return l.model }

// Stats returns a copy of the buffer's sufficient statistics.
func (l *Loss) Stats() *labelmodel.Stats { return l.stats.Clone() }

// Forward scores one batch: logits (batch x v, float32 or float64; shape
// (batch,) is accepted when v = 1) against the probabilistic labels made
// from weakLabels (batch x m, any signed integer or float type holding -1,
// 0, +1). Every row's votes enter the buffer in order, with refits as
// configured. On error nothing is changed.
//
// Every batch must go through the loss exactly once, in training order:
// Forward when the trainer has the logits, or Labels when it needs the
// targets before it has logits. Each call pushes the batch's rows into the
// buffer, so a batch given to neither is missing from the label model's
// fits, and a batch given to both (or twice) is counted twice.
func (l *Loss) Forward(logits, weakLabels *tensor.Dense) (Result, error) {
	x, batch, err := readLogits(logits, l.cfg.Spec.Tasks())
	if err != nil {
		return Result{}, err
	}
	labels, err := l.pushAndLabel(weakLabels, batch)
	if err != nil {
		return Result{}, err
	}
	return score(logits, x, labels, batch, l.cfg.Spec.Tasks(), l.cfg.PosWeight), nil
}

// pushAndLabel validates a batch of weak labels (batch x m), pushes its
// rows into the buffer with refits as configured and returns their
// (clamped when configured) probabilistic labels, batch x v.
func (l *Loss) pushAndLabel(weakLabels *tensor.Dense, batch int) ([]float64, error) {
	v, m := l.cfg.Spec.Tasks(), l.cfg.Spec.M
	votes, err := readVotes(weakLabels, batch, m, !l.cfg.Spec.NoAbstentions)
	if err != nil {
		return nil, err
	}
	labels := make([]float64, batch*v)
	k := l.model.Classes()
	scratch := make([]float64, batch*k)
	err = l.batch(batch, func(r int) error { return l.push(votes[r*m : (r+1)*m]) }, func(a, b int) error {
		return l.label(labels[a*v:b*v], scratch[a*k:b*k], votes[a*m:b*m])
	})
	return labels, err
}

// batch runs ring.forRows journalled: when it fails, the buffer, its
// position, the statistics and the fitted model are restored exactly.
func (l *Loss) batch(batch int, push func(row int) error, label func(a, b int) error) error {
	j := l.ring.begin()
	saved := *l.model // a refit replaces the fit; the saved copy keeps the old one
	push = j.pushes(&l.ring, push)
	atomicRows := 0
	if l.atomic != nil {
		atomicRows = l.atomic.len()
		push = l.atomic.pushes(&l.ring, push)
	}
	err := l.ring.forRows(batch, l.model.Fitted, push, label)
	if err == nil {
		return nil
	}
	if rerr := j.rollback(&l.ring, l.stats.RemoveRow, l.stats.AddRow); rerr != nil {
		return fmt.Errorf("%w (and restoring the buffer failed: %v)", err, rerr)
	}
	if l.atomic != nil {
		l.atomic.truncate(&l.ring, atomicRows) // those pushes are undone already
	}
	*l.model = saved
	return err
}

// label writes the (clamped when configured) probabilistic labels of rows
// of votes with the current model, or their soft majority vote during the
// warm-up, before the first fit.
func (l *Loss) label(out, scratch []float64, votes []int8) error {
	m := l.cfg.Spec.M
	if !l.model.Fitted() {
		softMajority(out, votes, m, l.cfg.Spec.Tasks(), l.lfTasks)
	} else if err := l.model.PredictProbaMarginalInto(out, scratch, labelmodel.Votes{N: len(votes) / m, M: m, Data: votes}); err != nil {
		return err
	}
	if l.cfg.ClampVals {
		for i, p := range out {
			out[i] = 0
			if p >= 0.5 {
				out[i] = 1
			}
		}
	}
	return nil
}

// push stores one row in the ring buffer, keeps the statistics in step and
// refits when the row's slot is a multiple of UpdateFrequency.
func (l *Loss) push(row []int8) error {
	refit, err := l.ring.push(row, l.model.Fitted(), l.stats.RemoveRow, l.stats.AddRow)
	if err != nil || !refit {
		return err
	}
	if err := l.model.FitStats(l.stats, l.cfg.Fit); err != nil {
		return fmt.Errorf("fsloss: refitting the label model: %w", err)
	}
	return nil
}

// MarshalBinary checkpoints the whole state: configuration, buffer, its
// position and the fitted label model. A Loss restored with UnmarshalBinary
// gives bit-identical results to one that never stopped.
func (l *Loss) MarshalBinary() ([]byte, error) {
	var save func(io.Writer) error
	if l.model.Fitted() {
		save = l.model.Save
	}
	return marshalCheckpoint(checkpointFormat, l.cfg, &l.ring, save)
}

// UnmarshalBinary restores a checkpoint written by MarshalBinary. The
// buffer's statistics are recounted from the buffer.
func (l *Loss) UnmarshalBinary(data []byte) error {
	var cfg Config
	c, err := readCheckpoint(data, checkpointFormat, &cfg)
	if err != nil {
		return err
	}
	if err := c.checkBuffer(cfg.Spec.M, cfg.BufferCapacity, cfg.UpdateFrequency); err != nil {
		return err
	}
	fresh, err := New(cfg)
	if err != nil {
		return err
	}
	if err := fresh.ring.restore(c); err != nil {
		return err
	}
	if err := fresh.stats.Add(labelmodel.Votes{N: c.Size, M: cfg.Spec.M, Data: fresh.ring.rows()}); err != nil {
		return fmt.Errorf("fsloss: corrupted checkpoint: %w", err)
	}
	if c.Model != nil {
		model, err := labelmodel.Load(bytes.NewReader(c.Model))
		if err != nil {
			return fmt.Errorf("fsloss: corrupted checkpoint: %w", err)
		}
		if !slices.Equal(model.Spec().LFEdges, cfg.Spec.LFEdges) || model.Spec().M != cfg.Spec.M {
			return errors.New("fsloss: corrupted checkpoint: model and configuration disagree")
		}
		fresh.model = model
	}
	*l = *fresh
	return nil
}
