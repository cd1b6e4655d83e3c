//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/fsloss"
	"github.com/squid-ws/squid/labelmodel"
)

// Backend is labelmodel's GPU backend. Each call picks the GPU or the CPU:
// the CPU when SQUID_BACKEND=cpu, when the problem is smaller than
// MinVotes (the transfers would cost more than they save), when the GPU
// lacks the memory, or when the model is not of a form the kernels cover;
// and the CPU again, with one notice on stderr, when a CUDA call fails
// (for the rest of the process after a sticky error, ErrContextLost).
// SQUID_BACKEND=gpu sends every call the kernels cover to the GPU whatever
// its size (for tests and measurements).
type Backend struct {
	Dev *Device
	// MinVotes is the smallest n*m sent to the GPU (default 1<<22).
	MinVotes int
	once     sync.Once
}

// Name returns "cuda (<GPU name>)".
func (b *Backend) Name() string { return "cuda (" + b.Dev.Name() + ")" }

// backendMode is SQUID_BACKEND: "cpu", "gpu" or "" (auto); Register
// refuses any other value.
func backendMode() string { return os.Getenv("SQUID_BACKEND") }

// mayUseGPU reports whether a call may go to d at all: not with
// SQUID_BACKEND=cpu, not after a sticky error.
func mayUseGPU(d *Device) bool { return backendMode() != "cpu" && d.Lost() == nil }

func (b *Backend) useGPU(votes int, bytes int64) bool {
	if !mayUseGPU(b.Dev) {
		return false
	}
	minVotes := b.MinVotes
	if minVotes == 0 {
		minVotes = 1 << 22
	}
	if backendMode() == "gpu" {
		minVotes = 1
	}
	return votes >= minVotes && bytes < b.Dev.FreeMemory()/2
}

// fallback reports a failed GPU call once per backend; after a sticky
// error (ErrContextLost) the GPU is not tried again in this process.
func (b *Backend) fallback(err error) {
	b.once.Do(func() {
		if errors.Is(err, ErrContextLost) {
			fmt.Fprintf(os.Stderr, "squid: the GPU failed and cannot be used again in this process; using the CPU: %v\n", err)
			return
		}
		fmt.Fprintf(os.Stderr, "squid: GPU call failed, using the CPU for this call (further failures are silent): %v\n", err)
	})
}

// Count counts on the GPU, or on the CPU (see Backend).
func (b *Backend) Count(dst cpu.Counts, votes []int8, m int) {
	if b.useGPU(len(votes), int64(min(len(votes), defaultChunkBytes))*2) {
		scratch := cpu.NewCounts(m)
		err := b.Dev.Count(scratch, votes, m)
		if err == nil {
			dst.Add(scratch)
			return
		}
		b.fallback(err)
	}
	cpu.Count(dst, votes, m)
}

// Posterior runs the log-odds kernel for independent one-task models on
// the GPU, and everything else on the CPU.
func (b *Backend) Posterior(out []float64, votes []int8, m int, base []float64, factors []cpu.Factor) {
	if b.useGPU(len(votes), int64(len(votes))+int64(len(out))*8) {
		if table, ok := cpu.LogOddsTable(m, base, factors); ok {
			err := b.Dev.Posterior(out, votes, m, table)
			if err == nil {
				return
			}
			b.fallback(err)
		}
	}
	cpu.Posterior(out, votes, m, base, factors)
}

// TripletAggregate runs the triplet step on the GPU when there are enough
// triplets (m >= 64, or SQUID_BACKEND=gpu), else on the CPU.
func (b *Backend) TripletAggregate(dst cpu.TripletResult, r cpu.TripletRequest) {
	if (r.M >= 64 || backendMode() == "gpu") && mayUseGPU(b.Dev) {
		err := b.Dev.TripletAggregate(dst, r)
		if err == nil {
			return
		}
		b.fallback(err)
	}
	cpu.TripletAggregate(dst, r)
}

// Register opens GPU 0, checks it against the CPU on small random inputs
// (selfTest), and makes it labelmodel's backend. A GPU that fails the check
// is not used, so a broken driver or device cannot give wrong answers.
// With SQUID_BACKEND=cpu it does no device work at all and returns nil;
// any value other than cpu, gpu or auto is an error.
func Register() error {
	switch v := backendMode(); v {
	case "cpu":
		return nil
	case "", "auto", "gpu":
	default:
		return fmt.Errorf("cuda: SQUID_BACKEND=%q: want cpu, gpu or auto (unset)", v)
	}
	dev, err := Open(0)
	if err != nil {
		return err
	}
	if err := selfTest(dev); err != nil {
		return err
	}
	labelmodel.SetBackend(&Backend{Dev: dev})
	return nil
}

// selfTest runs every GPU operation the backend uses on small random
// inputs and compares it with the CPU; the counts with the kernels the
// device counts with (CountKernels: the tensor-core kernel on compute
// capability 8.0 and newer), from host and from device memory.
func selfTest(d *Device) error {
	r := rand.New(rand.NewPCG(7, 7))
	const n, m = 70001, 19
	votes := make([]int8, n*m)
	for i := range votes {
		votes[i] = int8(r.IntN(3) - 1)
	}
	want, got := cpu.NewCounts(m), cpu.NewCounts(m)
	cpu.CountReference(want, votes, m)
	if err := d.Count(got, votes, m); err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
		return fmt.Errorf("cuda: self-test: GPU vote counts (%s) differ from the CPU's; not using the GPU", d.CountKernels())
	}
	if err := selfTestCountDevice(d, votes, m, want); err != nil {
		return err
	}
	table := cpu.NewLogOdds(m)
	for i := range table {
		table[i] = r.NormFloat64()
	}
	gp, cp := make([]float64, 2000), make([]float64, 2000)
	if err := d.Posterior(gp, votes[:1000*m], m, table); err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	base, factors := table.Factors()
	cpu.Posterior(cp, votes[:1000*m], m, base, factors)
	for i := range gp {
		if math.Abs(gp[i]-cp[i]) > 1e-9 {
			return errors.New("cuda: self-test: GPU probabilities differ from the CPU's; not using the GPU")
		}
	}
	if err := selfTestLoss(d, r, votes[:1000*m], m, table); err != nil {
		return err
	}
	const tm = 70
	pairs := make([]float64, tm*tm)
	for i := range pairs {
		pairs[i] = 0.05 + r.Float64()
	}
	for i := 0; i < tm; i++ {
		for j := 0; j < i; j++ {
			pairs[i*tm+j] = pairs[j*tm+i]
		}
	}
	lf, comp := cpu.AllPairs(tm)
	for _, median := range []bool{false, true} {
		req := cpu.TripletRequest{Pairs: pairs, M: tm, LF: lf, Comp: comp, Median: median}
		got, want := cpu.NewTripletResult(tm), cpu.NewTripletResult(tm)
		cpu.TripletAggregate(want, req)
		if err := d.TripletAggregate(got, req); err != nil {
			return fmt.Errorf("cuda: self-test: %v", err)
		}
		for e := range got.Value {
			if got.Count[e] != want.Count[e] || got.Zeros[e] != want.Zeros[e] || math.Abs(got.Value[e]-want.Value[e]) > 1e-9 {
				return errors.New("cuda: self-test: GPU triplet solve differs from the CPU's; not using the GPU")
			}
		}
	}
	return nil
}

// selfTestCountDevice counts votes uploaded to the device (CountDevice)
// and in two host chunks through the pinned double buffers (Count with a
// small ChunkBytes), against the CPU's counts want.
func selfTestCountDevice(d *Device, votes []int8, m int, want cpu.Counts) error {
	v, err := d.Upload(votes, m)
	if err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	got := cpu.NewCounts(m)
	err = d.CountDevice(got, v)
	if err := errors.Join(err, v.Free()); err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
		return errors.New("cuda: self-test: GPU counts of device-resident votes differ from the CPU's; not using the GPU")
	}
	chunked := cpu.NewCounts(m)
	saved := d.ChunkBytes
	d.ChunkBytes = len(votes) / 3
	err = d.Count(chunked, votes, m)
	d.ChunkBytes = saved
	if err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	if !slices.Equal(chunked.Pos, want.Pos) || !slices.Equal(chunked.Neg, want.Neg) || !slices.Equal(chunked.Pairs, want.Pairs) {
		return errors.New("cuda: self-test: GPU counts streamed in chunks differ from the CPU's; not using the GPU")
	}
	return nil
}

// selfTestLoss runs the loss-step kernel (float32 and float64 logits) over
// one batch labelled by two fitted models with given labels between them,
// and compares loss, labels and gradients with fsloss's CPU scoring
// against the same labels.
func selfTestLoss(d *Device, r *rand.Rand, votes []int8, m int, table cpu.LogOdds) error {
	batch := len(votes) / m
	other := cpu.NewLogOdds(m)
	for i := range other {
		other[i] = -table[i] / 2
	}
	third := batch / 3
	segs := []fsloss.Segment{{From: 0, To: third, LogOdds: table}, {From: third, To: 2 * third}, {From: 2 * third, To: batch, LogOdds: other}}
	labels := make([]float64, batch)
	post := make([]float64, 2*batch)
	for _, s := range segs {
		t := s.LogOdds
		if t == nil { // given labels: any in [0, 1]
			for i := s.From; i < s.To; i++ {
				labels[i] = r.Float64()
			}
			segs[1].Labels = labels[s.From:s.To]
			continue
		}
		base, factors := t.Factors()
		cpu.Posterior(post[2*s.From:2*s.To], votes[s.From*m:s.To*m], m, base, factors)
		for i := s.From; i < s.To; i++ {
			labels[i] = post[2*i+1]
		}
	}
	x64, x32 := make([]float64, batch), make([]float32, batch)
	for i := range x64 {
		x32[i] = float32(3 * r.NormFloat64())
		x64[i] = float64(x32[i])
	}
	const pw = 1.5
	for _, host := range []*tensor.Dense{
		tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x64)),
		tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x32)),
	} {
		want, err := fsloss.BCEWithLogits(host, tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(labels)), pw)
		if err != nil {
			return fmt.Errorf("cuda: self-test: %w", err)
		}
		buf, err := d.ToDevice(host)
		if err != nil {
			return fmt.Errorf("cuda: self-test: %w", err)
		}
		res, err := d.scoreOnce(votes, m, buf, pw, segs)
		buf.Free()
		if err != nil {
			return fmt.Errorf("cuda: self-test: %w", err)
		}
		gl, err1 := res.Labels.ToHost()
		gg, err2 := res.Grad.ToHost()
		res.Free()
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("cuda: self-test: %w", err)
		}
		ok := math.Abs(res.Loss-want.Loss) <= 1e-9
		for i := 0; ok && i < batch; i++ {
			ok = math.Abs(gl.Data().([]float64)[i]-labels[i]) <= 1e-9 && math.Abs(at(gg, i)-at(want.Grad, i)) <= 1e-9
		}
		if !ok {
			return fmt.Errorf("cuda: self-test: the GPU loss (%v logits) differs from the CPU's; not using the GPU", host.Dtype())
		}
	}
	return nil
}

// at returns element i of a float32 or float64 tensor.
func at(t *tensor.Dense, i int) float64 {
	if s, ok := t.Data().([]float32); ok {
		return float64(s[i])
	}
	return t.Data().([]float64)[i]
}
