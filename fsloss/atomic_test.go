package fsloss

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
	"github.com/squid-ws/squid/synth"
)

// A configuration that can never fit is rejected by New (old code took it,
// then every Forward failed after buffering its first row, so each retry
// grew the buffer).
func TestNewValidatesFitOptions(t *testing.T) {
	for name, fit := range map[string]labelmodel.Options{
		"class balance length": {ClassBalance: []float64{0.2, 0.3, 0.5}},
		"negative balance":     {ClassBalance: []float64{-1, 2}},
		"unknown method":       {Method: "sgd"},
		"unknown negative":     {Negative: "zero"},
		"dev label":            {DevLabels: []int8{1, 0}},
	} {
		if _, err := New(Config{Spec: labelmodel.Spec{M: 3}, Fit: fit}); err == nil {
			t.Errorf("%s: New accepted %+v", name, fit)
		}
	}
	_, err := NewMulticlass(MulticlassConfig{Spec: labelmodel.Spec{M: 3}, K: 3, Fit: multiclass.Options{ClassBalance: []float64{1, 1}}})
	var se *labelmodel.ShapeError
	if !errors.As(err, &se) || se.Want != 3 {
		t.Errorf("multiclass class balance of 2 for k = 3: %v, want a ShapeError", err)
	}
}

// state captures everything a Forward may change, bit for bit.
func state(t *testing.T, l *Loss) []byte {
	t.Helper()
	stats, err := l.stats.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	ckpt, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return append(stats, ckpt...)
}

// A Forward whose refit fails part way through the batch leaves the
// statistics, the buffer, its position and the model bit-identical (old
// code kept the rows pushed before the failing refit).
func TestFailedRefitChangesNothing(t *testing.T) {
	loss, forward, good, silent := failingRefit(t)
	if err := forward(good); err != nil {
		t.Fatal(err)
	}
	before := state(t, loss)
	if err := forward(silent); err == nil || !strings.Contains(err.Error(), "refitting") {
		t.Fatalf("error %v, want a refit failure", err)
	}
	if !bytes.Equal(state(t, loss), before) {
		t.Error("a failed Forward changed the statistics, buffer, position or model")
	}
	if err := forward(good); err != nil {
		t.Fatalf("the loss is unusable after a failed Forward: %v", err)
	}
}

// failingRefit returns a loss of 5 LFs with a dependency, a buffer of 4
// rows and a refit every 2, a Forward of votes into it, 6 good rows and 6
// silent ones: LFs 2 to 4 abstain, so once the buffer holds only these
// rows the dependent clique has no LF of non-zero accuracy to be
// estimated from, and the refit fails.
func failingRefit(t *testing.T) (loss *Loss, forward func(votes []int8) error, good, silent []int8) {
	t.Helper()
	cfg := Config{Spec: labelmodel.Spec{M: 5, LFEdges: [][2]int{{0, 1}}}, Fit: labelmodel.Options{ExactDependencies: true},
		BufferCapacity: 4, UpdateFrequency: 2, WarmUp: 1}
	loss, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	forward = func(votes []int8) error {
		n := len(votes) / 5
		_, err := loss.Forward(tensor.New(tensor.WithShape(n), tensor.WithBacking(make([]float64, n))),
			tensor.New(tensor.WithShape(n, 5), tensor.WithBacking(append([]int8{}, votes...))))
		return err
	}
	good = []int8{1, 1, 1, 1, -1, -1, -1, -1, 1, -1, 1, 1, 1, -1, 1, -1, -1, -1, -1, 1, 1, -1, 1, 1, 1, 1, 1, 1, -1, 1}
	silent = make([]int8, 6*5)
	for r := 0; r < 6; r++ {
		silent[r*5], silent[r*5+1] = 1, 1
	}
	return loss, forward, good, silent
}

// A checkpoint of a few bytes that declares a huge buffer is rejected
// before the buffer is allocated (old code allocated m x capacity first).
func TestCheckpointBufferCheckedFirst(t *testing.T) {
	doc := `{"format": "squid-fsloss", "version": 1, "config": {"spec": {"m": 3}, "buffer_capacity": 1000000000000}, "size": 0, "index": 0, "buffer": []}`
	var l Loss
	if err := l.UnmarshalBinary([]byte(doc)); err == nil || !strings.Contains(err.Error(), "corrupted checkpoint") {
		t.Errorf("error %v", err)
	}
	mdoc := `{"format": "squid-fsloss-multiclass", "version": 1, "config": {"Spec": {"m": 3}, "K": 3, "BufferCapacity": 1000000000000}, "size": 0, "index": 0, "buffer": []}`
	var ml MulticlassLoss
	if err := ml.UnmarshalBinary([]byte(mdoc)); err == nil || !strings.Contains(err.Error(), "corrupted checkpoint") {
		t.Errorf("multiclass: error %v", err)
	}
}

// Atomic puts back what a successful Push and Forward changed when the
// caller's own work then fails, also after a failed refit inside it (whose
// rows are undone once, not twice), and keeps the changes when f succeeds.
func TestAtomicUndoesPushAndForward(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 400, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 12})
	loss, err := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 50, UpdateFrequency: 7, WarmUp: 10})
	if err != nil {
		t.Fatal(err)
	}
	x, w := batchOf(d, 0, 60)
	if _, err := loss.Forward(x, w); err != nil {
		t.Fatal(err)
	}
	before := state(t, loss)
	fail := errors.New("the caller's work failed")
	err = loss.Atomic(func() error {
		_, w := batchOf(d, 60, 100)
		if _, _, err := loss.Push(w); err != nil {
			return err
		}
		x, w = batchOf(d, 100, 170)
		if _, err := loss.Forward(x, w); err != nil {
			return err
		}
		// A batch with a bad vote fails inside; its own rows are undone.
		bad := tensor.New(tensor.WithShape(1, 5), tensor.WithBacking([]int8{1, 2, 0, 0, 0}))
		if _, _, err := loss.Push(bad); err == nil {
			t.Error("Push accepted a vote of 2")
		}
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatalf("Atomic returned %v", err)
	}
	if !bytes.Equal(state(t, loss), before) {
		t.Fatal("a failed Atomic left the statistics, buffer, position or model changed")
	}
	// The same work outside Atomic, and inside a successful one, agree.
	plain, _ := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 50, UpdateFrequency: 7, WarmUp: 10})
	x, w = batchOf(d, 0, 60)
	plain.Forward(x, w)
	x, w = batchOf(d, 60, 170)
	want, _ := plain.Forward(x, w)
	var got Result
	if err := loss.Atomic(func() error {
		x, w := batchOf(d, 60, 170)
		got, err = loss.Forward(x, w)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got.Loss != want.Loss || !bytes.Equal(state(t, loss), state(t, plain)) {
		t.Errorf("after a successful Atomic: loss %v, want %v, or the states differ", got.Loss, want.Loss)
	}
}

// Inside Atomic, a Forward whose refit fails undoes its own rows; the
// Atomic's undo then undoes only the rows before it (undoing them twice
// would uncount rows of a buffer that was not full).
func TestAtomicAfterFailedRefit(t *testing.T) {
	loss, forward, good, silent := failingRefit(t)
	if err := forward(good[:10]); err != nil { // 2 of 4 slots
		t.Fatal(err)
	}
	before := state(t, loss)
	err := loss.Atomic(func() error { return forward(silent) })
	if err == nil || !strings.Contains(err.Error(), "refitting") || strings.Contains(err.Error(), "restoring") {
		t.Fatalf("error %v, want a refit failure", err)
	}
	if !bytes.Equal(state(t, loss), before) {
		t.Error("Atomic around a failed refit left the loss changed")
	}
}
