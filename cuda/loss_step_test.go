//go:build !nocuda

package cuda

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

func init() { children["loss-trace"] = childLossTrace }

// lossSteps is how many steps childLossTrace runs, of lossBatch rows.
const lossSteps, lossBatch = 4, 512

// childLossTrace runs lossSteps GPU loss steps of lossBatch rows with the
// default refit every 10 rows, each between "step-begin" and "step-end"
// lines (so the parent can count the driver calls of a step in the
// stand-in's trace), and checks every step against the CPU loss. It also
// prints how many fitted models each batch holds (fsloss's segments).
func childLossTrace() error {
	d, err := openDev()
	if err != nil {
		return err
	}
	data, _ := synth.Generate(synth.Config{N: lossSteps * lossBatch, LFs: synth.Spread(5, 0.6, 0.9, 0.5, 0.9), Seed: 11})
	cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}, WarmUp: 50}
	cpuLoss, _ := fsloss.New(cfg)
	segLoss, _ := fsloss.New(cfg)
	gpuLoss, err := d.NewLoss(cfg)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2, 2))
	weak := func(s int) *tensor.Dense {
		return tensor.New(tensor.WithShape(lossBatch, 5), tensor.WithBacking(append([]int8{}, data.Votes[s*lossBatch*5:(s+1)*lossBatch*5]...)))
	}
	xs := make([]*tensor.Dense, lossSteps)
	bufs := make([]*Buffer, lossSteps)
	for s := range xs {
		x := make([]float32, lossBatch)
		for i := range x {
			x[i] = float32(2 * r.NormFloat64())
		}
		xs[s] = tensor.New(tensor.WithShape(lossBatch, 1), tensor.WithBacking(x))
		if bufs[s], err = d.ToDevice(xs[s]); err != nil {
			return err
		}
	}
	for s := range lossSteps {
		_, segs, err := segLoss.Push(weak(s))
		if err != nil {
			return err
		}
		want, err := cpuLoss.Forward(xs[s], weak(s))
		if err != nil {
			return err
		}
		fmt.Println("step-begin")
		got, err := gpuLoss.Forward(bufs[s], weak(s))
		fmt.Println("step-end")
		if err != nil {
			return err
		}
		fmt.Printf("segments=%d\n", len(segs))
		if math.Abs(got.Loss-want.Loss) > 1e-9 {
			return fmt.Errorf("step %d: loss %v, CPU %v", s, got.Loss, want.Loss)
		}
		if err := errors.Join(got.Free(), bufs[s].Free()); err != nil {
			return err
		}
	}
	if gpuLoss.CPUSteps() != 0 {
		return fmt.Errorf("%d steps ran on the CPU", gpuLoss.CPUSteps())
	}
	return gpuLoss.Close()
}

// A loss step is one launch, one copy each way, one wait for its own
// stream and no context-wide synchronize, however many refits the batch
// holds (about 50 here); after the first step it allocates nothing.
// Counted in the stand-in driver's trace of every call (SQUIDSTUB_TRACE).
func TestLossStepDriverCalls(t *testing.T) {
	requireStandIn(t)
	out, code := child(t, "loss-trace", "SQUIDSTUB_TRACE=1")
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	steps := strings.Split(out, "step-begin\n")[1:]
	if len(steps) != lossSteps {
		t.Fatalf("%d steps in the output, want %d:\n%s", len(steps), lossSteps, out)
	}
	for s, trace := range steps {
		trace, rest, _ := strings.Cut(trace, "step-end\n")
		var segs int
		fmt.Sscanf(rest, "segments=%d", &segs)
		if segs < 10 {
			t.Errorf("step %d: %d fitted models in the batch; the test needs refits inside it", s, segs)
		}
		type calls struct {
			name string
			n    int
		}
		want := []calls{{"cuLaunchKernel", 1}, {"cuMemcpyHtoDAsync", 1}, {"cuMemcpyDtoHAsync", 1}, {"cuStreamSynchronize", 1}, {"cuCtxSynchronize", 0}}
		if s > 0 {
			want = append(want, calls{"cuMemAlloc", 0}, calls{"cuMemAllocHost", 0}, calls{"cuMemFree", 0}, calls{"cuStreamCreate", 0})
		}
		for _, w := range want {
			if got := count(trace, ": "+w.name+"\n"); got != w.n {
				t.Errorf("step %d (%d models): %d calls of %s, want %d", s, segs, got, w.name, w.n)
			}
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// hostLabels copies a result's labels to the host.
func hostLabels(t *testing.T, r Result) []float64 {
	t.Helper()
	h, err := r.Labels.ToHost()
	if err != nil {
		t.Fatal(err)
	}
	return h.Data().([]float64)
}

// A Loss reuses a step's output buffers only once the caller has freed
// them: results still held are never overwritten, a larger batch gets
// larger buffers, and after Close Forward fails without changing the loss
// while results still held stay valid until freed.
func TestLossOutputsReused(t *testing.T) {
	cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}, WarmUp: 1}
	cpuLoss, _ := fsloss.New(cfg)
	l, err := dev.NewLoss(cfg)
	if err != nil {
		t.Fatal(err)
	}
	step := func(b int) (Result, fsloss.Result) { return goldenStep(t, cpuLoss, l, b) }
	r0, w0 := step(0)
	p0 := r0.Labels.ptr
	r1, w1 := step(1) // r0 still held: r1 must not reuse its memory
	if r1.Labels.ptr == p0 {
		t.Fatal("step 1 wrote into step 0's outputs, which the caller still holds")
	}
	requireSameResult(t, "step 0 after step 1", r0, w0)
	requireSameResult(t, "step 1", r1, w1)
	if err := r0.Free(); err != nil {
		t.Fatal(err)
	}
	r2, w2 := step(2)
	if r2.Labels.ptr != p0 {
		t.Error("step 2 did not reuse the outputs freed after step 0")
	}
	requireSameResult(t, "step 2", r2, w2)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	requireSameResult(t, "step 1 after Close", r1, w1)
	x, weak := goldenStream(t, 3)
	buf, _ := dev.ToDevice(x)
	defer buf.Free()
	n := l.Host().Stats().N()
	if _, err := l.Forward(buf, weak); err == nil || !strings.Contains(err.Error(), "Close") {
		t.Errorf("Forward after Close: %v", err)
	}
	if l.Host().Stats().N() != n {
		t.Error("a Forward refused after Close changed the loss")
	}
	if err := errors.Join(r1.Free(), r2.Free(), r2.Free(), l.Close()); err != nil {
		t.Fatalf("freeing results after Close, freeing twice, closing twice: %v", err)
	}
}

// A batch larger than every earlier one gets buffers of its size; a
// smaller one reuses the larger buffers. Labels are checked against the
// CPU loss each time.
func TestLossBatchSizesVary(t *testing.T) {
	data, _ := synth.Generate(synth.Config{N: 3000, LFs: synth.Spread(5, 0.6, 0.9, 0.5, 0.9), Seed: 3})
	cfg := fsloss.Config{Spec: labelmodel.Spec{M: 5}, WarmUp: 30, PosWeight: 1.5}
	cpuLoss, _ := fsloss.New(cfg)
	l, err := dev.NewLoss(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := rand.New(rand.NewPCG(6, 6))
	row := 0
	for _, batch := range []int{7, 300, 1, 1500, 64, 900} {
		x := make([]float64, batch)
		for i := range x {
			x[i] = 3 * r.NormFloat64()
		}
		votes := data.Votes[row*5 : (row+batch)*5]
		row += batch
		weak := func() *tensor.Dense {
			return tensor.New(tensor.WithShape(batch, 5), tensor.WithBacking(append([]int8{}, votes...)))
		}
		host := tensor.New(tensor.WithShape(batch), tensor.WithBacking(x))
		want, err := cpuLoss.Forward(host, weak())
		if err != nil {
			t.Fatal(err)
		}
		buf, err := dev.ToDevice(host)
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Forward(buf, weak())
		buf.Free()
		if err != nil {
			t.Fatal(err)
		}
		labels := hostLabels(t, got)
		for i, p := range want.Labels.Data().([]float64) {
			if math.Abs(labels[i]-p) > 1e-12 {
				t.Fatalf("batch %d row %d: label %v, CPU %v", batch, i, labels[i], p)
			}
		}
		if math.Abs(got.Loss-want.Loss) > 1e-9 || got.Grad.Dtype() != tensor.Float64 || len(got.Grad.Shape()) != 1 {
			t.Errorf("batch %d: loss %v (CPU %v), grad %v %v", batch, got.Loss, want.Loss, got.Grad.Dtype(), got.Grad.Shape())
		}
		got.Free()
	}
}

// Segments that do not tile the batch, or whose table or labels have the
// wrong length, are errors naming the segment, never a panic.
func TestPlanSegmentsRejects(t *testing.T) {
	table := make([]float64, 3*4+1)
	for _, c := range []struct {
		name string
		segs []fsloss.Segment
		want string
	}{
		{"gap", []fsloss.Segment{{From: 0, To: 4, LogOdds: table}, {From: 5, To: 10, LogOdds: table}}, "segment 1 is rows [5, 10)"},
		{"short", []fsloss.Segment{{From: 0, To: 4, LogOdds: table}}, "cover rows [0, 4) of a batch of 10"},
		{"beyond", []fsloss.Segment{{From: 0, To: 11, LogOdds: table}}, "segment 0 is rows [0, 11)"},
		{"table", []fsloss.Segment{{From: 0, To: 10, LogOdds: table[1:]}}, "segment 0 has a log-odds table of 12 values, want 3m+1 = 13"},
		{"labels", []fsloss.Segment{{From: 0, To: 10, Labels: make([]float64, 9)}}, "segment 0 (rows [0, 10)) has 9 labels"},
	} {
		if _, err := planSegments(c.segs, make([]int8, 40), 10, 4); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := planSegments([]fsloss.Segment{{From: 0, To: 10, LogOdds: table}}, make([]int8, 39), 10, 4); err == nil || !strings.Contains(err.Error(), "39 votes") {
		t.Errorf("39 votes for 10 x 4: %v", err)
	}
	table[3] = 0.75
	segs := []fsloss.Segment{{From: 0, To: 2, Labels: []float64{0.25, 0.5}}, {From: 2, To: 5, LogOdds: table}, {From: 5, To: 6, LogOdds: table}}
	votes := []int8{1, 0, -1, 1, 0, 0, 1, -1, -1, -1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, -1, -1, -1, 1}
	p, err := planSegments(segs, votes, 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	l := p.layout()
	b := make([]byte, l.end)
	for i := range b {
		b[i] = 0xAB // what staging does not write shows
	}
	p.stage(b)
	f64 := func(off int64) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[off:])) }
	var model []int32
	for r := range 6 {
		model = append(model, int32(binary.LittleEndian.Uint32(b[l.model+4*int64(r):])))
	}
	if l.given != 8 || l.tables != 24 || l.model != 24+2*13*8 || l.votes != l.model+24 || l.end != l.votes+24 {
		t.Errorf("layout %+v", l)
	}
	if f64(0) != 0 || f64(l.given) != 0.25 || f64(l.given+8) != 0.5 || f64(l.tables+3*8) != 0.75 || f64(l.tables+(13+3)*8) != 0.75 ||
		fmt.Sprint(model) != "[-1 -2 0 0 0 1]" || string(b[l.votes:]) != string(unsafe.Slice((*byte)(unsafe.Pointer(&votes[0])), 24)) {
		t.Errorf("staged: loss %v, given %v %v, model %v", f64(0), f64(l.given), f64(l.given+8), model)
	}
}

// Each new call of a loss step failing (the pinned staging, the stream,
// the input copy, the loss copy back, the stream wait) sends that step to
// the CPU with the loss restored: the run still matches the CPU loss step
// for step (childLossFallback), with one notice.
func TestLossStepCallFailuresFallBack(t *testing.T) {
	requireStandIn(t)
	for _, spec := range []string{"cuMemAllocHost", "cuStreamCreate", "cuMemcpyHtoDAsync@5", "cuMemcpyDtoHAsync@2", "cuStreamSynchronize@3"} {
		out, code := child(t, "loss-fallback", "SQUIDSTUB_FAIL="+spec)
		if code != 0 || count(out, "the GPU loss step failed") != 1 || strings.Contains(out, "cpu-steps=0\n") {
			t.Errorf("%s: exit %d, output:\n%s", spec, code, out)
		}
	}
}
