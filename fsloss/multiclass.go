package fsloss

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
)

// MulticlassConfig configures a MulticlassLoss.
type MulticlassConfig struct {
	// Spec is the LF graph (one task); K the number of classes.
	Spec labelmodel.Spec
	K    int
	// Fit are the multiclass fit options (class balance, dev labels...).
	Fit             multiclass.Options
	BufferCapacity  int // default 100
	UpdateFrequency int // default 10
}

// MulticlassLoss is the online loss for k classes: weak labels are class
// votes (0..k-1, -1 to abstain), the label model is multiclass's
// one-vs-all model refitted from a ring buffer as Loss does, and the loss
// is softmax cross-entropy between the logits (batch x k) and the
// probabilistic labels, with its gradient.
type MulticlassLoss struct {
	cfg   MulticlassConfig
	model *multiclass.Model
	stats []*labelmodel.Stats
	ring  ring
	bin   []int8
}

// NewMulticlass returns a MulticlassLoss with an empty buffer.
func NewMulticlass(cfg MulticlassConfig) (*MulticlassLoss, error) {
	if err := bufferDefaults(&cfg.BufferCapacity, &cfg.UpdateFrequency); err != nil {
		return nil, err
	}
	model, err := multiclass.New(cfg.Spec, cfg.K)
	if err != nil {
		return nil, fmt.Errorf("fsloss: %w", err)
	}
	if err := model.CheckOptions(cfg.Fit); err != nil {
		return nil, fmt.Errorf("fsloss: fit options: %w", err)
	}
	return &MulticlassLoss{cfg: cfg, model: model, stats: model.NewStats(),
		ring: newRing(cfg.Spec.M, cfg.BufferCapacity, cfg.UpdateFrequency), bin: make([]int8, cfg.Spec.M)}, nil
}

// Model returns the multiclass label model as last fitted.
func (l *MulticlassLoss) Model() *multiclass.Model { return l.model }

// update adds (sign +1) or removes (sign -1) a row in every class's
// one-vs-all statistics.
func (l *MulticlassLoss) update(row []int8, sign int) error {
	for c, s := range l.stats {
		multiclass.OneVsAllInto(l.bin, row, c)
		var err error
		if sign > 0 {
			err = s.AddRow(l.bin)
		} else {
			err = s.RemoveRow(l.bin)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Forward scores logits (batch x k, float32 or float64) against the
// probabilistic labels made from weakLabels (batch x m class votes). On
// error nothing is changed.
func (l *MulticlassLoss) Forward(logits, weakLabels *tensor.Dense) (Result, error) {
	k, m := l.cfg.K, l.cfg.Spec.M
	x, batch, err := readLogits(logits, k)
	if err != nil {
		return Result{}, err
	}
	raw, err := readClassVotes(weakLabels, batch, m, k)
	if err != nil {
		return Result{}, err
	}
	labels := make([]float64, batch*k)
	// The multiclass loss keeps FlyingSquid's schedule: its ring has
	// warm-up 1, under which "fitted" does not change when refits happen.
	push := func(r int) error {
		refit, err := l.ring.push(raw[r*m:(r+1)*m], true, func(old []int8) error { return l.update(old, -1) }, func(row []int8) error { return l.update(row, 1) })
		if err != nil || !refit {
			return err
		}
		if err := l.model.FitStats(l.stats, l.cfg.Fit); err != nil {
			return fmt.Errorf("fsloss: refitting the label model: %w", err)
		}
		return nil
	}
	label := func(a, b int) error {
		return l.model.PredictProbaInto(labels[a*k:b*k], multiclass.Votes{N: b - a, M: m, Data: raw[a*m : b*m]})
	}
	j := l.ring.begin()
	saved := *l.model // FitStats replaces the fitted state; the copy keeps the old one
	if err := l.ring.forRows(batch, func() bool { return true }, j.pushes(&l.ring, push), label); err != nil {
		remove := func(row []int8) error { return l.update(row, -1) }
		add := func(row []int8) error { return l.update(row, 1) }
		if rerr := j.rollback(&l.ring, remove, add); rerr != nil {
			return Result{}, fmt.Errorf("%w (and restoring the buffer failed: %v)", err, rerr)
		}
		*l.model = saved
		return Result{}, err
	}
	return softmaxCrossEntropy(logits, x, labels, batch, k), nil
}

// readClassVotes reads batch x m class votes (-1..k-1) of any signed
// integer or float dtype.
func readClassVotes(t *tensor.Dense, batch, m, k int) ([]int8, error) {
	if t == nil {
		return nil, fmt.Errorf("fsloss: weak labels are nil")
	}
	shape := t.Shape()
	if len(shape) != 2 || shape[0] != batch || shape[1] != m {
		return nil, labelmodel.ShapeErrorf("weak labels", shapeCols(shape), m, "fsloss: weak labels have shape %v, want (%d, %d)", []int(shape), batch, m)
	}
	vals, err := asFloats(dense(t))
	if err != nil {
		return nil, fmt.Errorf("fsloss: weak labels: %w", err)
	}
	out := make([]int8, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || v < -1 || v >= float64(k) {
			return nil, fmt.Errorf("fsloss: weak label at row %d, column %d is %v, want -1 (abstain) or a class in [0, %d)", i/m, i%m, v, k)
		}
		out[i] = int8(v)
	}
	return out, nil
}

// softmaxCrossEntropy returns the mean over rows of -sum_c p_c log
// softmax(x)_c and its gradient (softmax(x) - p) / batch.
func softmaxCrossEntropy(logitsT *tensor.Dense, x, p []float64, batch, k int) Result {
	grad := make([]float64, len(x))
	rows := make([]float64, batch)
	var total float64
	for r := 0; r < batch; r++ {
		z := x[r*k : (r+1)*k]
		mx := math.Inf(-1)
		for _, v := range z {
			mx = max(mx, v)
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(v - mx)
		}
		lse := mx + math.Log(sum)
		var loss float64
		for c, v := range z {
			loss -= p[r*k+c] * (v - lse)
			grad[r*k+c] = (math.Exp(v-lse) - p[r*k+c]) / float64(batch)
		}
		rows[r] = loss
		total += loss
	}
	res := Result{Grad: newLike(logitsT, grad), RowLoss: rows,
		Labels: tensor.New(tensor.WithShape(batch, k), tensor.WithBacking(p))}
	if batch > 0 {
		res.Loss = total / float64(batch)
	}
	return res
}

// MarshalBinary checkpoints the whole state (configuration, buffer, its
// position, the fitted model); UnmarshalBinary restores it bit for bit.
func (l *MulticlassLoss) MarshalBinary() ([]byte, error) {
	var save func(io.Writer) error
	if l.model.ClassBalance() != nil {
		save = l.model.Save
	}
	return marshalCheckpoint(multiclassCheckpointFormat, l.cfg, &l.ring, save)
}

// UnmarshalBinary restores a checkpoint written by MarshalBinary; the
// statistics are recounted from the buffer.
func (l *MulticlassLoss) UnmarshalBinary(data []byte) error {
	var cfg MulticlassConfig
	c, err := readCheckpoint(data, multiclassCheckpointFormat, &cfg)
	if err != nil {
		return err
	}
	if err := c.checkBuffer(cfg.Spec.M, cfg.BufferCapacity, cfg.UpdateFrequency); err != nil {
		return err
	}
	fresh, err := NewMulticlass(cfg)
	if err != nil {
		return err
	}
	if err := fresh.ring.restore(c); err != nil {
		return err
	}
	if err := fresh.model.AddStats(fresh.stats, multiclass.Votes{N: c.Size, M: cfg.Spec.M, Data: fresh.ring.rows()}); err != nil {
		return fmt.Errorf("fsloss: corrupted checkpoint: %w", err)
	}
	if c.Model != nil {
		model, err := multiclass.Load(bytes.NewReader(c.Model))
		if err != nil {
			return fmt.Errorf("fsloss: corrupted checkpoint: %w", err)
		}
		if model.K() != cfg.K || model.Binary(0).Spec().M != cfg.Spec.M {
			return fmt.Errorf("fsloss: corrupted checkpoint: a %d-class model of %d LFs for k = %d, m = %d", model.K(), model.Binary(0).Spec().M, cfg.K, cfg.Spec.M)
		}
		fresh.model = model
	}
	*l = *fresh
	return nil
}
