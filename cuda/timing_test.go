//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"gorgonia.org/cu"
	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/kernels"
)

// H200Bandwidth is the H200's peak HBM3e bandwidth in bytes/s.
const H200Bandwidth = 4.8e12

// timing is one row of the kernel table.
type timing struct {
	kernel, shape string
	kernelMs      float64 // CUDA events around reps launches, per launch
	bytes         float64 // bytes a one-pass kernel must move
	callMs        float64 // the public call with host data (copies, allocations)
}

// TestKernelTimings times every kernel on device-resident data with CUDA
// events and writes a Markdown table to $SQUID_KERNEL_TIMINGS: kernel time,
// the bytes a single pass must move, GB/s and the fraction of the H200's
// 4.8 TB/s, beside the time of the whole public call from host memory.
// scripts/device-check.sh runs it on the GPU. On the stand-in its times are
// the host emulator's and mean nothing: SQUID_TIMING_SCALE=small keeps the
// sizes small for a dry run there.
func TestKernelTimings(t *testing.T) {
	path := os.Getenv("SQUID_KERNEL_TIMINGS")
	if path == "" {
		t.Skip("set SQUID_KERNEL_TIMINGS=FILE to time the kernels (scripts/device-check.sh does, on the GPU)")
	}
	small := os.Getenv("SQUID_TIMING_SCALE") == "small"
	size := func(full, dry int) int {
		if small {
			return dry
		}
		return full
	}
	r := rand.New(rand.NewPCG(9, 9))
	var rows []timing
	for _, c := range []struct{ n, m int }{{size(10_000_000, 100_000), size(100, 20)}, {size(1_000_000, 10_000), size(1000, 200)}} {
		rows = append(rows, timeCounts(t, r, c.n, c.m)...)
	}
	rows = append(rows, timePosterior(t, r, size(10_000_000, 100_000), 20))
	for _, m := range []int{size(100, 30), size(1000, 70), size(2000, 90)} {
		rows = append(rows, timeTriplets(t, r, m)...)
	}
	batches := []int{256, 1024, 4096, 16384, 65536}
	if small {
		batches = batches[:3]
	}
	for _, batch := range batches {
		rows = append(rows, timeLossStep(t, r, batch, 20))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GPU: %s\n\n| kernel | shape | kernel ms (events) | bytes (one pass) | GB/s | of 4.8 TB/s | whole call ms (host data) |\n|---|---|---|---|---|---|---|\n", dev.Name())
	for _, row := range rows {
		gbs := row.bytes / (row.kernelMs / 1e3) / 1e9
		fmt.Fprintf(&b, "| %s | %s | %.4f | %.3g | %.1f | %.1f%% | %.3f |\n", row.kernel, row.shape, row.kernelMs, row.bytes, gbs, 100*gbs*1e9/H200Bandwidth, row.callMs)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
}

// eventMs runs launch reps times between two CUDA events (inside the
// device's context) and returns the milliseconds per launch.
func eventMs(t *testing.T, reps int, launch func() error) float64 {
	t.Helper()
	var ms float64
	err := dev.do(func() error {
		start, err := cu.MakeEvent(cu.DefaultEvent)
		if err != nil {
			return err
		}
		defer cu.DestroyEvent(&start)
		end, err := cu.MakeEvent(cu.DefaultEvent)
		if err != nil {
			return err
		}
		defer cu.DestroyEvent(&end)
		if err := launch(); err != nil { // warm-up
			return err
		}
		if err := start.Record(cu.NoStream); err != nil {
			return err
		}
		for range reps {
			if err := launch(); err != nil {
				return err
			}
		}
		if err := end.Record(cu.NoStream); err != nil {
			return err
		}
		if err := end.Synchronize(); err != nil {
			return err
		}
		ms, err = start.Elapsed(end)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ms / float64(reps)
}

// wallMs times one call from the host.
func wallMs(t *testing.T, f func() error) float64 {
	t.Helper()
	t0 := time.Now()
	if err := f(); err != nil {
		t.Fatal(err)
	}
	return float64(time.Since(t0).Microseconds()) / 1e3
}

// deviceAlloc allocates device memory for a timing; free releases it all.
func deviceAlloc(t *testing.T, a *arena, bytes int64) cu.DevicePtr {
	t.Helper()
	var p cu.DevicePtr
	if err := dev.do(func() (err error) { p, err = a.alloc(bytes); return err }); err != nil {
		t.Fatal(err)
	}
	return p
}

func deviceUpload[T any](t *testing.T, a *arena, s []T) cu.DevicePtr {
	t.Helper()
	var p cu.DevicePtr
	if err := dev.do(func() (err error) { p, err = upload(a, s); return err }); err != nil {
		t.Fatal(err)
	}
	return p
}

// timeCounts times both counting designs on device-resident votes (the
// popcount kernels one by one and together, the tensor-core kernel) and
// the public calls: CountDevice with each design, Count from host memory
// with the device's own choice (CountKernels).
func timeCounts(t *testing.T, r *rand.Rand, n, m int) []timing {
	votes := randomVotes(r, n, m)
	var a arena
	defer dev.do(func() error { a.free(); return nil })
	dv := deviceUpload(t, &a, votes)
	s, sm := newCountShape(n, m, false), newCountShape(n, m, true)
	pos, neg := deviceAlloc(t, &a, s.bitsN*4), deviceAlloc(t, &a, s.bitsN*4)
	counts := deviceAlloc(t, &a, s.countsLen*8)
	shape := fmt.Sprintf("n=%d m=%d", n, m)
	pack := eventMs(t, 3, func() error {
		return dev.launchPack(s.packGrid, dim3{kernels.PackThreads, 1, 1}, dv, int64(n), int64(m), pos, neg, s.words, s.packWords, s.packLFs)
	})
	pairs := eventMs(t, 3, func() error {
		return dev.launchPairCounts(s.pairGrid, dim3{kernels.Tile * kernels.Tile, 1, 1}, pos, neg, int64(m), s.words, s.pairWords, counts)
	})
	both := eventMs(t, 3, func() error { return dev.launchCount(s, dv, n, m, pos, neg, counts) })
	mma := eventMs(t, 3, func() error { return dev.launchCount(sm, dv, n, m, 0, 0, counts) })
	// The public calls: votes already on the device (CountDevice, each
	// design), and from host memory through the pinned double buffers
	// (Count), each timed warm (the scratch allocated by a first call).
	dvotes, err := dev.Upload(votes, m)
	if err != nil {
		t.Fatal(err)
	}
	defer dvotes.Free()
	saved := dev.mma
	defer func() { dev.mma = saved }()
	resident := map[bool]float64{}
	for _, useMMA := range []bool{false, true} {
		dev.mma = useMMA
		_ = dev.CountDevice(cpu.NewCounts(m), dvotes)
		resident[useMMA] = wallMs(t, func() error { return dev.CountDevice(cpu.NewCounts(m), dvotes) })
	}
	dev.mma = saved
	_ = dev.Count(cpu.NewCounts(m), votes[:min(len(votes), 32*m)], m)
	call := wallMs(t, func() error { return dev.Count(cpu.NewCounts(m), votes, m) })
	bits := float64(s.bitsN * 8)
	hostGBs := float64(n*m) / (call / 1e3) / 1e9
	kernelMs := map[bool]float64{false: both, true: mma}[saved]
	return []timing{
		{"squid_pack", shape, pack, float64(n*m) + bits, call},
		{"squid_pair_counts", shape, pairs, bits, call},
		{"pack + pair counts (votes on device; CountDevice in the last column)", shape, both, float64(n * m), resident[false]},
		{"squid_pair_counts_mma (votes on device; CountDevice in the last column)", shape, mma, float64(n * m), resident[true]},
		{fmt.Sprintf("Count from host memory with %s: %.1f GB/s of votes (target >= 40: 80%% of ~50 pinned)", dev.CountKernels(), hostGBs), shape, kernelMs, float64(n * m), call},
	}
}

func timePosterior(t *testing.T, r *rand.Rand, n, m int) timing {
	votes := randomVotes(r, n, m)
	table := cpu.NewLogOdds(m)
	for i := range table {
		table[i] = r.NormFloat64()
	}
	var a arena
	defer dev.do(func() error { a.free(); return nil })
	dv, dt := deviceUpload(t, &a, votes), deviceUpload(t, &a, table)
	out := deviceAlloc(t, &a, int64(n)*16)
	ms := eventMs(t, 3, func() error {
		return dev.launchPosteriorLogOdds(dim3{blocks(int64(n), 256), 1, 1}, dim3{256, 1, 1}, dv, int64(n), int64(m), dt, out)
	})
	host := make([]float64, 2*n)
	call := wallMs(t, func() error { return dev.Posterior(host, votes, m, table) })
	return timing{"squid_posterior_logodds", fmt.Sprintf("n=%d m=%d", n, m), ms, float64(n*m + n*16), call}
}

// timeTriplets times the triplet mean and median over every expectation of
// cpu.AllPairs(m): pairs of uniform noise (spread values), and for the
// median also a one-factor model a_i a_j (1 + 1% noise), whose triplet
// values crowd around each a_e as real data do. The median's rows report
// its mean number of sweeps over the values per expectation.
func timeTriplets(t *testing.T, r *rand.Rand, m int) []timing {
	spread := make([]float64, m*m)
	for i := range spread {
		spread[i] = 0.05 + r.Float64()
	}
	a := make([]float64, m)
	for i := range a {
		a[i] = 0.3 + 0.6*r.Float64()
	}
	tight := make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			v := a[i] * a[j] * (1 + 0.01*r.NormFloat64())
			tight[i*m+j], tight[j*m+i] = v, v
		}
	}
	lf, comp := cpu.AllPairs(m)
	var out []timing
	for _, c := range []struct {
		median bool
		data   string
		pairs  []float64
	}{{false, "spread", spread}, {true, "spread", spread}, {true, "one-factor", tight}} {
		// The whole call with its uploads; the kernel alone below.
		call := wallMs(t, func() error {
			return dev.TripletAggregate(cpu.NewTripletResult(m), cpu.TripletRequest{Pairs: c.pairs, M: m, LF: lf, Comp: comp, Median: c.median})
		})
		var ar arena
		dp, dl, dc := deviceUpload(t, &ar, c.pairs), deviceUpload(t, &ar, toInt64(lf)), deviceUpload(t, &ar, compInt32(comp, m))
		dval, dcnt, dz := deviceAlloc(t, &ar, int64(m)*8), deviceAlloc(t, &ar, int64(m)*8), deviceAlloc(t, &ar, int64(m)*8)
		dpasses := deviceAlloc(t, &ar, int64(m)*8)
		name, shape := "squid_triplet_mean", fmt.Sprintf("m=%d (%d expectations), %s", m, m, c.data)
		ms := eventMs(t, 1, func() error {
			grid, block := dim3{m, 1, 1}, dim3{kernels.TripletThreads, 1, 1}
			if c.median {
				return dev.launchTripletMedian(grid, block, dp, dl, dc, int64(m), dval, dcnt, dz, dpasses)
			}
			return dev.launchTripletMean(grid, block, dp, dl, dc, int64(m), dval, dcnt, dz)
		})
		if c.median {
			name = "squid_triplet_median"
			passes := make([]int64, m)
			if err := dev.do(func() error { return download(passes, dpasses) }); err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, p := range passes {
				sum += p
			}
			shape += fmt.Sprintf(", %.2f passes", float64(sum)/float64(m))
		}
		dev.do(func() error { ar.free(); return nil })
		out = append(out, timing{name, shape, ms, float64(m*m*8 + m*m*4 + 3*m*8), call})
	}
	return out
}

// refitSegments are fsloss.Loss.Push's segments for a batch whose first
// min(100, batch/2) rows are warm-up rows and whose model is refitted every
// 10 rows after them.
func refitSegments(r *rand.Rand, batch, m int) []fsloss.Segment {
	warm := min(100, batch/2)
	labels := make([]float64, warm)
	for i := range labels {
		labels[i] = r.Float64()
	}
	segs := []fsloss.Segment{{From: 0, To: warm, Labels: labels}}
	for a := warm; a < batch; a += 10 {
		table := cpu.NewLogOdds(m)
		for i := range table {
			table[i] = r.NormFloat64()
		}
		segs = append(segs, fsloss.Segment{From: a, To: min(a+10, batch), LogOdds: table})
	}
	return segs
}

// timeLossStep times squid_loss_step_f32 on device-resident input with
// refits every 10 rows, and the whole GPU part of a Loss step from host
// data (staging, one copy, one launch, the loss back, one stream wait):
// the overhead a step adds to the CPU refit.
func timeLossStep(t *testing.T, r *rand.Rand, batch, m int) timing {
	p, err := planSegments(refitSegments(r, batch, m), randomVotes(r, batch, m), batch, m)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, batch)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	logits, err := dev.ToDevice(tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x)))
	if err != nil {
		t.Fatal(err)
	}
	defer logits.Free()
	l := p.layout()
	staged := make([]byte, l.end)
	p.stage(staged)
	var a arena
	defer dev.do(func() error { a.free(); return nil })
	in := deviceUpload(t, &a, staged)
	at := func(off int64) cu.DevicePtr { return in + cu.DevicePtr(off) }
	labels, grad, rows := deviceAlloc(t, &a, int64(batch)*8), deviceAlloc(t, &a, int64(batch)*4), deviceAlloc(t, &a, int64(batch)*8)
	ms := eventMs(t, 20, func() error {
		return dev.launchLossStepF32(dim3{blocks(int64(batch), 256), 1, 1}, dim3{256, 1, 1}, at(l.votes), at(l.model), at(l.tables), at(l.given),
			int64(batch), int64(m), logits.ptr, 1, labels, grad, rows, in)
	})
	s := &stepper{d: dev}
	defer s.close()
	step := func() error {
		res, err := s.run(p, logits, 1)
		return errors.Join(err, res.Free())
	}
	if err := step(); err != nil { // buffers allocated, stream created
		t.Fatal(err)
	}
	const reps = 20
	call := wallMs(t, func() error {
		for range reps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	}) / reps
	// read: the staged input once, the logits; written: labels, row losses,
	// gradients.
	bytes := float64(l.end + int64(batch)*(4+8+8+4))
	return timing{"squid_loss_step_f32", fmt.Sprintf("batch=%d m=%d, %d refits", batch, m, p.tables), ms, bytes, call}
}
