package fsloss

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// By default the first fit waits until the buffer holds 100 rows (not one
// row, as in FlyingSquid), the rows before it get soft majority votes, and
// refits then follow the update frequency.
func TestDefaultWarmUp(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 400, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 3})
	loss, err := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 1000, UpdateFrequency: 30})
	if err != nil {
		t.Fatal(err)
	}
	for row := 0; row < 99; row++ {
		x, w := batchOf(d, row, row+1)
		res, err := loss.Forward(x, w)
		if err != nil {
			t.Fatal(err)
		}
		if loss.Model().Fitted() {
			t.Fatalf("fitted after %d rows, want the first fit at 100", row+1)
		}
		sum := 0
		for _, v := range d.Votes[row*5 : row*5+5] {
			sum += int(v)
		}
		want := map[bool]float64{true: 1, false: 0}[sum > 0]
		if sum == 0 {
			want = 0.5
		}
		if got := res.Labels.Data().([]float64)[0]; got != want {
			t.Fatalf("row %d (vote sum %d): warm-up label %v, want %v", row, sum, got, want)
		}
	}
	x, w := batchOf(d, 99, 100)
	if _, err := loss.Forward(x, w); err != nil {
		t.Fatal(err)
	}
	if !loss.Model().Fitted() {
		t.Fatal("not fitted once the buffer holds 100 rows")
	}
	// The first fit on rows 0-99 equals a fit of those rows from scratch.
	ref, _ := labelmodel.New(labelmodel.Spec{M: 5})
	if err := ref.Fit(labelmodel.Votes{N: 100, M: 5, Data: d.Votes[:500]}, labelmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ := loss.Model().AccuraciesGivenVote()
	want, _ := ref.AccuraciesGivenVote()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("LF %d: accuracy %v after the warm-up, %v from a fit of the first 100 rows", i, got[i], want[i])
		}
	}
	// Next refit at slot 120 (a multiple of 30), not before.
	before, _ := loss.Model().AccuraciesGivenVote()
	x, w = batchOf(d, 100, 120)
	loss.Forward(x, w)
	after, _ := loss.Model().AccuraciesGivenVote()
	if !equalFloats(before, after) {
		t.Error("refitted between the warm-up and slot 120")
	}
	x, w = batchOf(d, 120, 121)
	loss.Forward(x, w)
	after, _ = loss.Model().AccuraciesGivenVote()
	if equalFloats(before, after) {
		t.Error("no refit at slot 120")
	}
}

func equalFloats(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// The warm-up is checked, and with several tasks the majority vote is
// taken per task along the LF-task edges.
func TestWarmUpConfigAndTasks(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Spec: labelmodel.Spec{M: 3}, WarmUp: -1}, "warm-up -1"},
		{Config{Spec: labelmodel.Spec{M: 3}, BufferCapacity: 50, WarmUp: 51}, "warm-up 51 must be in [1, buffer capacity 50]"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	if l, err := New(Config{Spec: labelmodel.Spec{M: 3}, BufferCapacity: 40}); err != nil || l.cfg.WarmUp != 40 {
		t.Errorf("a 40-row buffer: warm-up %d (%v), want 40", l.cfg.WarmUp, err)
	}
	spec := labelmodel.Spec{M: 6, V: 2, LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 1}}}
	loss, err := New(Config{Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	labels, err := loss.Labels(tensor.New(tensor.WithShape(1, 6), tensor.WithBacking([]int8{1, 1, -1, -1, 0, 1})))
	if err != nil {
		t.Fatal(err)
	}
	if got := labels.Data().([]float64); got[0] != 1 || got[1] != 0.5 {
		t.Errorf("per-task warm-up labels %v, want [1 0.5]", got)
	}
}

// Labels leaves the same state and gives the same labels as Forward, and
// PosWeightTargets turns a weighted plain BCE into Forward's loss.
func TestLabelsMatchForward(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 1200, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 5})
	for _, pw := range []float64{0, 2.5} {
		a, _ := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 300, UpdateFrequency: 7, PosWeight: pw})
		b, _ := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 300, UpdateFrequency: 7, PosWeight: pw})
		for from := 0; from < 1200; from += 40 {
			x, w := batchOf(d, from, from+40)
			ra, err := a.Forward(x, w)
			if err != nil {
				t.Fatal(err)
			}
			lb, err := b.Labels(w)
			if err != nil {
				t.Fatal(err)
			}
			p := lb.Data().([]float64)
			if !equalFloats(p, ra.Labels.Data().([]float64)) {
				t.Fatalf("pw %v rows %d: Labels and Forward disagree", pw, from)
			}
			q, wt := PosWeightTargets(p, pw)
			var mean float64
			for i, xi := range x.Data().([]float64) {
				l, _ := bceWithLogits(xi, q[i], 1)
				mean += wt[i] * l / float64(len(p))
			}
			if math.Abs(mean-ra.Loss) > 1e-12*max(1, ra.Loss) {
				t.Fatalf("pw %v rows %d: weighted BCE on mapped targets %v, Forward %v", pw, from, mean, ra.Loss)
			}
		}
		if !a.Stats().Equal(b.Stats()) {
			t.Error("Labels and Forward leave different statistics")
		}
	}
}

func TestLabelsErrorsChangeNothing(t *testing.T) {
	loss, _ := New(Config{Spec: labelmodel.Spec{M: 3}})
	for _, c := range []struct {
		name string
		weak *tensor.Dense
		want string
	}{
		{"nil", nil, "shape [], want (batch, 3)"},
		{"vector", tensor.New(tensor.WithShape(3), tensor.WithBacking([]int8{1, 0, 1})), "shape [3], want (batch, 3)"},
		{"wrong m", tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]int8{1, 0, 1, 1})), "want (2, 3)"},
		{"bad vote", tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 0, 1, 1, 0.5, 1})), "row 1, column 1 is 0.5"},
	} {
		if _, err := loss.Labels(c.weak); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if loss.Stats().N() != 0 {
		t.Error("a failed Labels changed the buffer")
	}
}

// A checkpoint taken during the warm-up continues bit for bit.
func TestCheckpointDuringWarmUp(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 300, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 9})
	a, _ := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 200, UpdateFrequency: 10, WarmUp: 150})
	x, w := batchOf(d, 0, 100)
	a.Forward(x, w)
	continuesAfterRestore(t, a, d, 100, 300, 25)
}
