package fsloss

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

const golden = "../testdata/golden/fsloss_stream"

// The reference FSLoss (WarmUp: 1 reproduces its first fit on one row),
// fed 10 batches of 64 rows: losses, gradients,
// probabilistic labels and row losses match (the reference ran in float32).
func TestGoldenStream(t *testing.T) {
	logits := testutil.ReadNpy[float32](t, filepath.Join(golden, "logits.npy"))
	weak := testutil.ReadNpy[int8](t, filepath.Join(golden, "weak_labels.npy"))
	for _, variant := range []struct {
		suffix string
		pw     float64
	}{{"", 0}, {"_posweight2", 2}} {
		loss, err := New(Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 100, UpdateFrequency: 10, PosWeight: variant.pw, WarmUp: 1})
		if err != nil {
			t.Fatal(err)
		}
		wantLoss := testutil.ReadNpy[float64](t, filepath.Join(golden, "expected_loss"+variant.suffix+".npy"))
		wantGrad := testutil.ReadNpy[float64](t, filepath.Join(golden, "expected_grad"+variant.suffix+".npy"))
		wantProb := testutil.ReadNpy[float64](t, filepath.Join(golden, "expected_prob_labels"+variant.suffix+".npy"))
		wantRow := testutil.ReadNpy[float64](t, filepath.Join(golden, "expected_row_loss"+variant.suffix+".npy"))
		for b := 0; b < 10; b++ {
			x := tensor.New(tensor.WithShape(64, 1), tensor.WithBacking(append([]float32{}, logits[64*b:64*b+64]...)))
			// Weak labels as int64, as the reference fed torch.long.
			w64 := make([]int64, 64*5)
			for i := range w64 {
				w64[i] = int64(weak[64*5*b+i])
			}
			w := tensor.New(tensor.WithShape(64, 5), tensor.WithBacking(w64))
			res, err := loss.Forward(x, w)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(res.Loss - wantLoss[b]); d > 1e-7 {
				t.Errorf("%s batch %d: loss %v, want %v", variant.suffix, b, res.Loss, wantLoss[b])
			}
			grad := res.Grad.Data().([]float32)
			labels := res.Labels.Data().([]float64)
			for r := 0; r < 64; r++ {
				k := 64*b + r
				if d := math.Abs(float64(grad[r]) - wantGrad[k]); d > 1e-8 {
					t.Errorf("%s row %d: grad %v, want %v", variant.suffix, k, grad[r], wantGrad[k])
				}
				if d := math.Abs(labels[r] - wantProb[k]); d > 1e-12 {
					t.Errorf("%s row %d: label %v, want %v", variant.suffix, k, labels[r], wantProb[k])
				}
				if d := math.Abs(res.RowLoss[r] - wantRow[k]); d > 1e-6 {
					t.Errorf("%s row %d: row loss %v, want %v", variant.suffix, k, res.RowLoss[r], wantRow[k])
				}
			}
		}
	}
}

func batchOf(d synth.Data, from, to int) (*tensor.Dense, *tensor.Dense) {
	n := to - from
	x := make([]float64, n*d.V)
	for i := range x {
		x[i] = math.Sin(float64(from*d.V + i))
	}
	return tensor.New(tensor.WithShape(n, d.V), tensor.WithBacking(x)),
		tensor.New(tensor.WithShape(n, d.M), tensor.WithBacking(append([]int8{}, d.Votes[from*d.M:to*d.M]...)))
}

// After many wraps of the ring buffer the incremental statistics equal a
// recount of the buffer, and a refit sees exactly the last rows.
func TestIncrementalStatsMatchRecount(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 5000, LFs: synth.Spread(6, 0.6, 0.9, 0.4, 0.9), Seed: 4})
	loss, err := New(Config{Spec: labelmodel.Spec{M: 6, LFEdges: [][2]int{{0, 1}}}, BufferCapacity: 300, UpdateFrequency: 7})
	if err != nil {
		t.Fatal(err)
	}
	for from := 0; from < 5000; from += 64 {
		x, w := batchOf(d, from, min(from+64, 5000))
		if _, err := loss.Forward(x, w); err != nil {
			t.Fatal(err)
		}
	}
	model, _ := labelmodel.New(labelmodel.Spec{M: 6, LFEdges: [][2]int{{0, 1}}})
	recount := model.NewStats()
	if err := recount.Add(labelmodel.Votes{N: 300, M: 6, Data: d.Votes[4700*6:]}); err != nil {
		t.Fatal(err)
	}
	if !loss.Stats().Equal(recount) {
		t.Fatal("incremental statistics differ from a recount of the last 300 rows")
	}
}

// A restored checkpoint continues bit for bit like a loss that never stopped.
func TestCheckpointIsBitIdentical(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 2000, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 8})
	cfg := Config{Spec: labelmodel.Spec{M: 5}, BufferCapacity: 250, UpdateFrequency: 10, PosWeight: 1.5}
	a, _ := New(cfg)
	for from := 0; from < 1000; from += 50 {
		x, w := batchOf(d, from, from+50)
		a.Forward(x, w)
	}
	snap := continuesAfterRestore(t, a, d, 1000, 2000, 50)
	for name, bad := range map[string]string{
		"version": strings.Replace(string(snap), `"version":1`, `"version":7`, 1),
		"index":   strings.Replace(string(snap), `"index":0`, `"index":999`, 1),
		"garbage": "{",
	} {
		if err := new(Loss).UnmarshalBinary([]byte(bad)); err == nil {
			t.Errorf("%s: corrupted checkpoint accepted", name)
		}
	}
}

func TestForwardErrorsChangeNothing(t *testing.T) {
	loss, _ := New(Config{Spec: labelmodel.Spec{M: 3}})
	good := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]int8{1, 0, -1, 1, 1, 1}))
	x2 := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{0.5, -1}))
	cases := []struct {
		name   string
		logits *tensor.Dense
		weak   *tensor.Dense
		want   string
	}{
		{"NaN logit", tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{0, math.NaN()})), good, "row 1, task 0 is NaN"},
		{"Inf logit", tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float32{float32(math.Inf(1)), 0})), good, "+Inf"},
		{"bad vote", x2, tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]int32{1, 0, -1, 1, 5, 1})), "row 1, column 1 is 5"},
		{"wrong m", x2, tensor.New(tensor.WithShape(2, 4), tensor.WithBacking(make([]int8, 8))), "want (2, 3)"},
		{"batch mismatch", tensor.New(tensor.WithShape(3, 1), tensor.WithBacking([]float64{0, 0, 0})), good, "want (3, 3)"},
		{"logit shape", tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{0, 0, 0, 0})), good, "want (batch, 1)"},
		{"logit dtype", tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]int64{0, 0})), good, "float32 or float64"},
	}
	for _, c := range cases {
		if _, err := loss.Forward(c.logits, c.weak); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if loss.Stats().N() != 0 || loss.Model().Fitted() {
		t.Error("a failed Forward changed the loss state")
	}
	if _, err := loss.Forward(x2, good); err != nil {
		t.Fatal(err)
	}
}

func TestClampAndMajorityVote(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 200, LFs: synth.Spread(5, 0.7, 0.9, 0.6, 0.9), Seed: 1})
	x, w := batchOf(d, 0, 200)
	loss, _ := New(Config{Spec: labelmodel.Spec{M: 5}, ClampVals: true, PosWeight: 2})
	res, err := loss.Forward(x, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Labels.Data().([]float64) {
		if p != 0 && p != 1 {
			t.Fatalf("clamped label %v", p)
		}
	}
	mv := MajorityVoteLoss{M: 5}
	res, err = mv.Forward(x, w)
	if err != nil {
		t.Fatal(err)
	}
	labels := res.Labels.Data().([]float64)
	if lt, err := mv.Labels(w); err != nil || !equalFloats(lt.Data().([]float64), labels) {
		t.Fatalf("MajorityVoteLoss.Labels differs from Forward's labels (%v)", err)
	}
	for r := 0; r < 200; r++ {
		s := 0
		for _, v := range d.Votes[r*5 : r*5+5] {
			s += int(v)
		}
		if (s > 0) != (labels[r] == 1) {
			t.Fatalf("row %d: majority label %v for vote sum %d", r, labels[r], s)
		}
	}
	// Gradient check by finite differences on the BCE.
	for _, pw := range []float64{1, 2.5} {
		for _, c := range [][2]float64{{0.3, 0.2}, {-4, 0.9}, {12, 0.1}} {
			_, g := bceWithLogits(c[0], c[1], pw)
			h := 1e-6
			lp, _ := bceWithLogits(c[0]+h, c[1], pw)
			lm, _ := bceWithLogits(c[0]-h, c[1], pw)
			if num := (lp - lm) / (2 * h); math.Abs(num-g) > 1e-6 {
				t.Errorf("pw=%v x=%v t=%v: gradient %v, finite difference %v", pw, c[0], c[1], g, num)
			}
		}
	}
}

func TestBCEWithLogits(t *testing.T) {
	x := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{0, 2}))
	y := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{1, 0}))
	res, err := BCEWithLogits(x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := (math.Log(2) + (2 + math.Log1p(math.Exp(-2)))) / 2
	if math.Abs(res.Loss-want) > 1e-12 {
		t.Errorf("loss %v, want %v", res.Loss, want)
	}
	bad := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{1.5, 0}))
	if _, err := BCEWithLogits(x, bad, 0); err == nil || !strings.Contains(err.Error(), "row 0, task 0 is 1.5") {
		t.Errorf("label 1.5: %v", err)
	}
}

func TestMulticlassLoss(t *testing.T) {
	const k = 4
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 3000, K: k, LFs: synth.Spread(6, 0.5, 0.9, 0.6, 0.95), Seed: 2})
	loss, err := NewMulticlass(MulticlassConfig{Spec: labelmodel.Spec{M: 6}, K: k, BufferCapacity: 1000, UpdateFrequency: 50})
	if err != nil {
		t.Fatal(err)
	}
	r := 0
	for from := 0; from < 3000; from += 100 {
		x := make([]float64, 100*k)
		for i := range x {
			x[i] = math.Sin(float64(from*k + i))
		}
		logits := tensor.New(tensor.WithShape(100, k), tensor.WithBacking(x))
		votes := tensor.New(tensor.WithShape(100, 6), tensor.WithBacking(append([]int8{}, d.Votes[from*6:(from+100)*6]...)))
		res, err := loss.Forward(logits, votes)
		if err != nil {
			t.Fatal(err)
		}
		labels := res.Labels.Data().([]float64)
		grad := res.Grad.Data().([]float64)
		for row := 0; row < 100; row++ {
			var s, gs float64
			for c := 0; c < k; c++ {
				s += labels[row*k+c]
				gs += grad[row*k+c]
			}
			if math.Abs(s-1) > 1e-9 || math.Abs(gs) > 1e-12 {
				t.Fatalf("row %d: labels sum to %v, gradient to %v", row, s, gs)
			}
		}
		// Finite-difference check of one gradient entry.
		if from == 2900 {
			h := 1e-6
			xp := append([]float64{}, x...)
			xp[3] += h
			p := labels
			lp := softmaxCrossEntropy(logits, xp, p, 100, k).Loss
			xp[3] -= 2 * h
			lm := softmaxCrossEntropy(logits, xp, p, 100, k).Loss
			if num := (lp - lm) / (2 * h); math.Abs(num-grad[3]) > 1e-8 {
				t.Errorf("gradient %v, finite difference %v", grad[3], num)
			}
		}
		r += 100
	}
	acc, _ := loss.Model().AccuraciesGivenVote()
	for i, a := range acc {
		if math.IsNaN(a) || a < 0.4 || a > 1 {
			t.Errorf("LF %d accuracy %v", i, a)
		}
	}
	bad := tensor.New(tensor.WithShape(1, 6), tensor.WithBacking([]int8{0, 1, 2, 3, 4, -1}))
	if _, err := loss.Forward(tensor.New(tensor.WithShape(1, k), tensor.WithBacking(make([]float64, k))), bad); err == nil || !strings.Contains(err.Error(), "column 4 is 4") {
		t.Errorf("class 4 with k = 4: %v", err)
	}
}

// Push leaves the same state as Forward, and its segments' log-odds tables
// (or labels) reproduce Forward's labels: what the fused GPU loss computes.
func TestPushSegmentsMatchForward(t *testing.T) {
	weak := testutil.ReadNpy[int8](t, filepath.Join(golden, "weak_labels.npy"))
	a, _ := New(Config{Spec: labelmodel.Spec{M: 5}})
	b, _ := New(Config{Spec: labelmodel.Spec{M: 5}})
	tables := 0
	for batch := 0; batch < 10; batch++ {
		rows := append([]int8{}, weak[batch*64*5:(batch+1)*64*5]...)
		x := tensor.New(tensor.WithShape(64, 1), tensor.WithBacking(make([]float64, 64)))
		ra, err := a.Forward(x, tensor.New(tensor.WithShape(64, 5), tensor.WithBacking(rows)))
		if err != nil {
			t.Fatal(err)
		}
		votes, segs, err := b.Push(tensor.New(tensor.WithShape(64, 5), tensor.WithBacking(rows)))
		if err != nil {
			t.Fatal(err)
		}
		want := ra.Labels.Data().([]float64)
		next := 0
		for _, s := range segs {
			if s.From != next || s.To <= s.From {
				t.Fatalf("segments do not tile the batch: %+v", segs)
			}
			next = s.To
			for r := s.From; r < s.To; r++ {
				var p float64
				if s.LogOdds != nil {
					tables++
					z := s.LogOdds[15]
					for i, v := range votes[r*5 : r*5+5] {
						z += s.LogOdds[3*i+int(v)+1]
					}
					p = 1 / (1 + math.Exp(-z))
				} else {
					p = s.Labels[r-s.From]
				}
				if math.Abs(p-want[r]) > 1e-12 {
					t.Fatalf("batch %d row %d: segment label %v, Forward %v", batch, r, p, want[r])
				}
			}
		}
		if next != 64 {
			t.Fatalf("segments end at %d", next)
		}
	}
	if tables == 0 {
		t.Error("no segment had a log-odds table")
	}
	if !a.Stats().Equal(b.Stats()) {
		t.Error("Push and Forward leave different statistics")
	}
}

func TestMulticlassCheckpointIsBitIdentical(t *testing.T) {
	const k = 3
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 1200, K: k, LFs: synth.Spread(5, 0.5, 0.9, 0.6, 0.95), Seed: 4})
	cfg := MulticlassConfig{Spec: labelmodel.Spec{M: 5}, K: k, BufferCapacity: 300, UpdateFrequency: 25}
	batch := func(from int) (*tensor.Dense, *tensor.Dense) {
		x := make([]float64, 100*k)
		for i := range x {
			x[i] = math.Cos(float64(from*k + i))
		}
		return tensor.New(tensor.WithShape(100, k), tensor.WithBacking(x)),
			tensor.New(tensor.WithShape(100, 5), tensor.WithBacking(append([]int8{}, d.Votes[from*5:(from+100)*5]...)))
	}
	a, _ := NewMulticlass(cfg)
	for from := 0; from < 600; from += 100 {
		x, w := batch(from)
		if _, err := a.Forward(x, w); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var b MulticlassLoss
	if err := b.UnmarshalBinary(snap); err != nil {
		t.Fatal(err)
	}
	for from := 600; from < 1200; from += 100 {
		x, w := batch(from)
		ra, _ := a.Forward(x, w)
		rb, err := b.Forward(x, w)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Loss != rb.Loss {
			t.Fatalf("rows %d: loss %v after restore, %v without", from, rb.Loss, ra.Loss)
		}
	}
	var binary Loss
	if err := binary.UnmarshalBinary(snap); err == nil {
		t.Error("a multiclass checkpoint restored into a binary loss")
	}
}

// continuesAfterRestore checkpoints a, restores the checkpoint into a new
// loss, and feeds both the rows from to to of d in batches of step: their
// losses and gradients must agree bit for bit. It returns the checkpoint.
func continuesAfterRestore(t *testing.T, a *Loss, d synth.Data, from, to, step int) []byte {
	t.Helper()
	snap, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var b Loss
	if err := b.UnmarshalBinary(snap); err != nil {
		t.Fatal(err)
	}
	for ; from < to; from += step {
		x, w := batchOf(d, from, from+step)
		ra, _ := a.Forward(x, w)
		rb, err := b.Forward(x, w)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Loss != rb.Loss {
			t.Fatalf("rows %d: loss %v after restore, %v without", from, rb.Loss, ra.Loss)
		}
		ga, gb := ra.Grad.Data().([]float64), rb.Grad.Data().([]float64)
		for i := range ga {
			if ga[i] != gb[i] {
				t.Fatalf("rows %d: gradient differs after restore", from)
			}
		}
	}
	return snap
}
