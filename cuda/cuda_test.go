//go:build !nocuda

package cuda

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/kernels"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// These tests run on an NVIDIA GPU (scripts/device-check.sh) or, in CI and
// on machines without one, on the stand-in driver (standin/, which
// `. scripts/standin-env.sh` builds and puts on LD_LIBRARY_PATH): the same
// binary, the same assertions. gorgonia.org/cu exits the binary at start-up
// when neither is there.

var dev *Device

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name)) // a fault-injection case (faults_test.go)
	}
	var err error
	if dev, err = Open(0); err != nil {
		println("cuda tests: no usable GPU:", err.Error())
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func randomVotes(r *rand.Rand, n, m int) []int8 {
	v := make([]int8, n*m)
	for k := range v {
		v[k] = int8(r.IntN(3) - 1)
	}
	return v
}

func TestCountMatchesCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	forEachCountPath(t, func(path string) {
		for _, c := range []struct{ n, m int }{{1, 3}, {31, 3}, {33, 5}, {1000, 1}, {4097, 17}, {100003, 40}, {70000, 33}, {2000, 1000},
			{777, 2}, {513, 16}, {301, 32}, {257, 64}, {999, 128}, {65, 255}, {97, 1025}} {
			if testing.Short() && c.n*c.m > 1_000_000 {
				continue // -short: the small cases only (compute-sanitizer in the device check)
			}
			if path == kernels.PairCountsMma && c.n*c.m*c.m > 1e9 {
				c.n = 300 // the emulator's mma.sync costs ~10 us: fewer rows for the tensor-core path
			}
			votes := randomVotes(r, c.n, c.m)
			want, got := cpu.NewCounts(c.m), cpu.NewCounts(c.m)
			cpu.CountReference(want, votes, c.m)
			if err := dev.Count(got, votes, c.m); err != nil {
				t.Fatalf("%s: n=%d m=%d: %v", path, c.n, c.m, err)
			}
			if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
				t.Errorf("%s: n=%d m=%d: GPU counts differ from the CPU reference", path, c.n, c.m)
			}
		}
	})
}

// Count in many small chunks (the path of a matrix larger than GPU memory)
// adds up to the same counts.
func TestCountChunked(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	defer func() { dev.ChunkBytes = 0 }()
	forEachCountPath(t, func(path string) {
		for _, c := range []struct{ n, m, chunk int }{{1000, 7, 7 * 64}, {4099, 13, 13 * 96}, {70001, 3, 1 << 12}, {3001, 100, 100 * 320}, {131, 1000, 1}} {
			votes := randomVotes(r, c.n, c.m)
			want, got := cpu.NewCounts(c.m), cpu.NewCounts(c.m)
			cpu.CountReference(want, votes, c.m)
			dev.ChunkBytes = c.chunk
			if err := dev.Count(got, votes, c.m); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
				t.Errorf("%s: n=%d m=%d chunk=%d: chunked GPU counts differ from the CPU reference", path, c.n, c.m, c.chunk)
			}
		}
	})
}

// A vote slice that is not whole rows is an error, not a dropped tail.
func TestRaggedVotesAreErrors(t *testing.T) {
	votes := make([]int8, 3*5+2)
	if err := dev.Count(cpu.NewCounts(5), votes, 5); err == nil {
		t.Error("Count accepted 17 votes for m = 5")
	}
	if err := dev.Posterior(make([]float64, 6), votes, 5, make([]float64, 16)); err == nil {
		t.Error("Posterior accepted 17 votes for m = 5")
	}
	if err := dev.Count(cpu.NewCounts(5), votes[:15], 0); err == nil {
		t.Error("Count accepted m = 0")
	}
}

func TestPosteriorMatchesCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, c := range []struct{ n, m int }{{1, 3}, {1000, 3}, {100001, 20}} {
		votes := randomVotes(r, c.n, c.m)
		table := cpu.NewLogOdds(c.m)
		for i := range table {
			table[i] = r.NormFloat64()
		}
		base, fs := table.Factors()
		want, got := make([]float64, 2*c.n), make([]float64, 2*c.n)
		cpu.PosteriorReference(want, votes, c.m, base, fs)
		if err := dev.Posterior(got, votes, c.m, table); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("n=%d m=%d entry %d: %v, CPU %v", c.n, c.m, i, got[i], want[i])
			}
		}
	}
}

// tripletTestPairs is a symmetric m x m pairs matrix: random moments a_i
// a_j plus noise with some zeros (kind "random"), every entry 0.5 (every
// triplet value ties), or three levels (many ties, the middle ranks often
// in different histogram bins).
func tripletTestPairs(r *rand.Rand, m int, kind string) []float64 {
	pairs := make([]float64, m*m)
	a := make([]float64, m)
	for i := range a {
		a[i] = 0.2 + 0.6*r.Float64()
	}
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			v := a[i]*a[j] + 0.01*r.NormFloat64()
			if r.IntN(50) == 0 {
				v = 0 // some zero denominators
			}
			switch kind {
			case "equal":
				v = 0.5
			case "levels":
				v = 0.25 * float64(1+r.IntN(3))
			}
			pairs[i*m+j], pairs[j*m+i] = v, v
		}
	}
	return pairs
}

// The GPU triplet solve against the CPU's: means within 1e-12 (the sums'
// order differs), medians bit for bit, over odd and even numbers of
// candidates, ties, all-equal values and zero denominators.
func TestTripletAggregateMatchesCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct {
		m    int
		kind string
	}{{3, "random"}, {7, "random"}, {64, "random"}, {101, "random"}, {200, "random"}, {300, "random"}, {60, "equal"}, {75, "levels"}} {
		m := c.m
		pairs := tripletTestPairs(r, m, c.kind)
		lf, comp := cpu.AllPairs(m)
		for e := range lf {
			for f := 0; f < m; f++ {
				if m > 7 && f%5 == 0 {
					comp[e*m+f] = -1 // a group of LFs the task does not separate
				}
			}
		}
		for _, median := range []bool{false, true} {
			if median && m > 200 {
				continue // the median's passes are slow on the host emulator
			}
			want, got := cpu.NewTripletResult(m), cpu.NewTripletResult(m)
			req := cpu.TripletRequest{Pairs: pairs, M: m, LF: lf, Comp: comp, Median: median}
			cpu.TripletAggregate(want, req)
			if err := dev.TripletAggregate(got, req); err != nil {
				t.Fatal(err)
			}
			wv, wc, wz := want.Value, want.Count, want.Zeros
			gv, gc, gz := got.Value, got.Count, got.Zeros
			for e := range wv {
				tol := 1e-12 * max(1, math.Abs(wv[e]))
				if median {
					tol = 0
				}
				if gc[e] != wc[e] || gz[e] != wz[e] || math.Abs(gv[e]-wv[e]) > tol {
					t.Fatalf("m=%d %s median=%v e=%d: GPU (%v, %d, %d), CPU (%v, %d, %d)", m, c.kind, median, e, gv[e], gc[e], gz[e], wv[e], wc[e], wz[e])
				}
			}
		}
	}
}

// A median over too many LFs for the kernel's 32-bit counts is an error,
// not a wrong answer.
func TestTripletMedianRejectsHugeM(t *testing.T) {
	m := MaxMedianLFs
	req := cpu.TripletRequest{M: m, LF: []int{0}, Comp: make([]int, m), Median: true} // checked before the pairs
	err := dev.TripletAggregate(cpu.NewTripletResult(1), req)
	if err == nil || !strings.Contains(err.Error(), "median over m = 92684") {
		t.Fatalf("err = %v, want the median's bound on m", err)
	}
}

func TestFusedBCEMatchesCPU(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 20000, LFs: synth.Spread(6, 0.6, 0.9, 0.4, 0.9), Seed: 5})
	model, _ := labelmodel.New(labelmodel.Spec{M: 6})
	votes := labelmodel.Votes{N: d.N, M: 6, Data: d.Votes}
	if err := model.Fit(votes, labelmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	table, ok := model.LogOddsTable()
	if !ok {
		t.Fatal("no log-odds table")
	}
	marg, _ := model.PredictProbaMarginal(votes)
	r := rand.New(rand.NewPCG(4, 4))
	for _, batch := range []int{1, 1000, 20000} {
		for _, f32 := range []bool{false, true} {
			x := make([]float64, batch)
			for i := range x {
				x[i] = 3 * r.NormFloat64()
			}
			var host *tensor.Dense
			tol := 1e-12
			if f32 {
				x32 := make([]float32, batch)
				for i := range x {
					x32[i] = float32(x[i])
					x[i] = float64(x32[i])
				}
				host, tol = tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x32)), 1e-6
			} else {
				host = tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x))
			}
			buf, err := dev.ToDevice(host)
			if err != nil {
				t.Fatal(err)
			}
			res, err := dev.FusedBCE(table, d.Votes[:batch*6], 6, buf, 2)
			if err != nil {
				t.Fatal(err)
			}
			labels, _ := res.Labels.ToHost()
			grad, _ := res.Grad.ToHost()
			rows, _ := res.RowLoss.ToHost()
			var wantLoss float64
			for i := 0; i < batch; i++ {
				p := marg.At(i, 0)
				sp := math.Max(-x[i], 0) + math.Log1p(math.Exp(-math.Abs(x[i])))
				w := 1 + p
				rowLoss := (1-p)*x[i] + w*sp
				wantLoss += rowLoss / float64(batch)
				if got := rows.Data().([]float64)[i]; math.Abs(got-rowLoss) > 1e-12 {
					t.Fatalf("batch %d f32=%v row %d: row loss %v, CPU %v", batch, f32, i, got, rowLoss)
				}
				wantGrad := (w/(1+math.Exp(-x[i])) - 2*p) / float64(batch)
				var g float64
				if f32 {
					g = float64(grad.Data().([]float32)[i])
				} else {
					g = grad.Data().([]float64)[i]
				}
				if math.Abs(labels.Data().([]float64)[i]-p) > 1e-12 || math.Abs(g-wantGrad) > tol {
					t.Fatalf("batch %d f32=%v row %d: label %v grad %v, CPU %v %v", batch, f32, i, labels.Data().([]float64)[i], g, p, wantGrad)
				}
			}
			if math.Abs(res.Loss-wantLoss) > 1e-9 {
				t.Errorf("batch %d: loss %v, CPU %v", batch, res.Loss, wantLoss)
			}
			buf.Free()
			if err := res.Free(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The label model with the GPU backend reproduces the golden outputs, and
// a failing GPU falls back to the CPU result.

// The label model with the GPU backend reproduces the golden outputs.
func TestBackendGolden(t *testing.T) {
	dir := "../testdata/golden/indep_m20"
	train := testutil.ReadNpy[int8](t, filepath.Join(dir, "L_train.npy"))
	devv := testutil.ReadNpy[int8](t, filepath.Join(dir, "L_dev.npy"))
	want := testutil.ReadNpy[float64](t, filepath.Join(dir, "expected_triplet_median_proba_dev.npy"))
	labelmodel.SetBackend(&Backend{Dev: dev, MinVotes: 1})
	defer labelmodel.SetBackend(nil)
	model, _ := labelmodel.New(labelmodel.Spec{M: 20})
	if err := model.Fit(labelmodel.Votes{N: len(train) / 20, M: 20, Data: train}, labelmodel.Options{Method: labelmodel.TripletMedian}); err != nil {
		t.Fatal(err)
	}
	p, err := model.PredictProba(labelmodel.Votes{N: len(devv) / 20, M: 20, Data: devv})
	if err != nil {
		t.Fatal(err)
	}
	got := p.RawMatrix().Data
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("entry %d = %v, golden %v", i, got[i], want[i])
		}
	}
}

// goldenStream returns batch b (64 rows) of the fsloss golden stream:
// float32 logits and the weak labels of 5 LFs.
func goldenStream(t testing.TB, b int) (*tensor.Dense, *tensor.Dense) {
	dir := "../testdata/golden/fsloss_stream"
	logits := testutil.ReadNpy[float32](t, filepath.Join(dir, "logits.npy"))
	weak := testutil.ReadNpy[int8](t, filepath.Join(dir, "weak_labels.npy"))
	return tensor.New(tensor.WithShape(64, 1), tensor.WithBacking(append([]float32{}, logits[64*b:64*b+64]...))),
		tensor.New(tensor.WithShape(64, 5), tensor.WithBacking(append([]int8{}, weak[64*5*b:64*5*(b+1)]...)))
}

// requireSameResult compares a GPU loss result with fsloss's.
func requireSameResult(t *testing.T, what string, got Result, want fsloss.Result) {
	t.Helper()
	labels, err := got.Labels.ToHost()
	if err != nil {
		t.Fatal(err)
	}
	grad, err := got.Grad.ToHost()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := got.RowLoss.ToHost()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Loss-want.Loss) > 1e-9 {
		t.Errorf("%s: loss %v, CPU %v", what, got.Loss, want.Loss)
	}
	if !slices.Equal(labels.Shape(), want.Labels.Shape()) || !slices.Equal(grad.Shape(), want.Grad.Shape()) || rows.Shape().TotalSize() != len(want.RowLoss) {
		t.Fatalf("%s: shapes %v %v %v, CPU %v %v %d", what, labels.Shape(), grad.Shape(), rows.Shape(), want.Labels.Shape(), want.Grad.Shape(), len(want.RowLoss))
	}
	wl, wg := want.Labels.Data().([]float64), want.Grad.Data().([]float32)
	for r := range wl {
		if math.Abs(labels.Data().([]float64)[r]-wl[r]) > 1e-12 || math.Abs(float64(grad.Data().([]float32)[r]-wg[r])) > 1e-7 ||
			math.Abs(rows.Data().([]float64)[r]-want.RowLoss[r]) > 1e-9 {
			t.Fatalf("%s row %d: label/grad/row loss differ from the CPU", what, r)
		}
	}
}

// goldenStep runs batch b of the golden stream through the CPU and the
// GPU loss.
func goldenStep(t *testing.T, cpuLoss *fsloss.Loss, gpuLoss *Loss, b int) (Result, fsloss.Result) {
	t.Helper()
	x, weak := goldenStream(t, b)
	want, err := cpuLoss.Forward(x, weak)
	if err != nil {
		t.Fatal(err)
	}
	buf, err := dev.ToDevice(x)
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Free()
	_, weak = goldenStream(t, b)
	got, err := gpuLoss.Forward(buf, weak)
	if err != nil {
		t.Fatalf("batch %d: %v", b, err)
	}
	return got, want
}

// The GPU loss reproduces fsloss.Loss.Forward on the golden stream (float32
// logits on the device, refits inside batches, a first fit on one row or
// after the default warm-up's majority-vote segments, and with ClampVals
// every segment labelled on the CPU and scored by the squid_bce kernels).
func TestLossForwardMatchesCPU(t *testing.T) {
	for _, cfg := range []fsloss.Config{
		{Spec: labelmodel.Spec{M: 5}, WarmUp: 1},
		{Spec: labelmodel.Spec{M: 5}}, // the default warm-up: majority-vote segments first
		{Spec: labelmodel.Spec{M: 5}, PosWeight: 2},
		{Spec: labelmodel.Spec{M: 5}, ClampVals: true},
	} {
		cpuLoss, err := fsloss.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		gpuLoss, err := dev.NewLoss(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < 10; b++ {
			got, want := goldenStep(t, cpuLoss, gpuLoss, b)
			requireSameResult(t, fmt.Sprintf("pw %v clamp %v batch %d", cfg.PosWeight, cfg.ClampVals, b), got, want)
			got.Free()
		}
		if n := gpuLoss.CPUSteps(); n != 0 {
			t.Errorf("pw %v clamp %v: %d of 10 steps ran on the CPU, not the GPU", cfg.PosWeight, cfg.ClampVals, n)
		}
	}
}

// A freed buffer is refused, and freeing twice is harmless.
func TestFreedBuffers(t *testing.T) {
	x, weak := goldenStream(t, 0)
	buf, err := dev.ToDevice(x)
	if err != nil {
		t.Fatal(err)
	}
	if err := buf.Free(); err != nil {
		t.Fatal(err)
	}
	if err := buf.Free(); err != nil {
		t.Fatalf("second Free: %v", err)
	}
	if _, err := buf.ToHost(); err == nil {
		t.Error("ToHost on a freed buffer succeeded")
	}
	l, _ := dev.NewLoss(fsloss.Config{Spec: labelmodel.Spec{M: 5}})
	if _, err := l.Forward(buf, weak); err == nil {
		t.Error("Forward on freed logits succeeded")
	}
	if l.Host().Stats().N() != 0 {
		t.Error("a refused Forward changed the loss")
	}
}

func TestSelfTestPasses(t *testing.T) {
	if err := selfTest(dev); err != nil {
		t.Fatalf("self-test on a healthy GPU: %v", err)
	}
}

// Components outside int32 are renumbered per row, keeping which entries
// are equal, so the GPU solve still matches the CPU's.
func TestTripletComponentsBeyondInt32(t *testing.T) {
	got := compInt32([]int{5, -7, 5, 9, 3, 1 << 40, 1<<40 + 1, 3}, 4)
	if want := []int32{5, -7, 5, 9, 0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("compInt32 = %v, want %v", got, want)
	}
	const m = 40
	r := rand.New(rand.NewPCG(4, 4))
	pairs := tripletTestPairs(r, m, "random")
	lf, comp := cpu.AllPairs(m)
	for i := range comp {
		comp[i] = comp[i]%7<<33 + 1 // seven components per row, none of them an int32
	}
	for _, median := range []bool{false, true} {
		want, got := cpu.NewTripletResult(m), cpu.NewTripletResult(m)
		req := cpu.TripletRequest{Pairs: pairs, M: m, LF: lf, Comp: comp, Median: median}
		cpu.TripletAggregate(want, req)
		if err := dev.TripletAggregate(got, req); err != nil {
			t.Fatal(err)
		}
		for e := range want.Value {
			if got.Count[e] != want.Count[e] || math.Abs(got.Value[e]-want.Value[e]) > 1e-12 {
				t.Fatalf("median=%v e=%d: GPU (%v, %d), CPU (%v, %d)", median, e, got.Value[e], got.Count[e], want.Value[e], want.Count[e])
			}
		}
	}
}
