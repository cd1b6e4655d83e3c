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

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/labelmodel"
)

// Backend is labelmodel's GPU backend. Each call picks the GPU or the CPU:
// the CPU when SQUID_BACKEND=cpu, when the problem is smaller than
// MinVotes (the transfers would cost more than they save), when the GPU
// lacks the memory, or when the model is not of a form the kernels cover;
// and the CPU again, with one notice on stderr, when a CUDA call fails.
type Backend struct {
	Dev *Device
	// MinVotes is the smallest n*m sent to the GPU (default 1<<22).
	MinVotes int
	once     sync.Once
}

// Name returns "cuda (<GPU name>)".
func (b *Backend) Name() string { return "cuda (" + b.Dev.Name() + ")" }

func (b *Backend) useGPU(votes int, bytes int64) bool {
	if os.Getenv("SQUID_BACKEND") == "cpu" {
		return false
	}
	minVotes := b.MinVotes
	if minVotes == 0 {
		minVotes = 1 << 22
	}
	return votes >= minVotes && bytes < b.Dev.FreeMemory()/2
}

func (b *Backend) fallback(err error) {
	b.once.Do(func() {
		fmt.Fprintf(os.Stderr, "squid: GPU call failed, using the CPU for this call (further failures are silent): %v\n", err)
	})
}

// Count counts on the GPU, or on the CPU (see Backend).
func (b *Backend) Count(dst cpu.Counts, votes []int8, m int) {
	if b.useGPU(len(votes), int64(min(len(votes), chunkBytes))*2) {
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
// triplets (m >= 64), else on the CPU.
func (b *Backend) TripletAggregate(pairs []float64, m int, lf, comp []int, median bool, value []float64, count, zeros []int) {
	if m >= 64 && os.Getenv("SQUID_BACKEND") != "cpu" {
		err := b.Dev.TripletAggregate(pairs, m, lf, comp, median, value, count, zeros)
		if err == nil {
			return
		}
		b.fallback(err)
	}
	cpu.TripletAggregate(pairs, m, lf, comp, median, value, count, zeros)
}

// Register opens GPU 0, checks it against the CPU on small random inputs
// (selfTest), and makes it labelmodel's backend. A GPU that fails the check
// is not used, so a broken driver or device cannot give wrong answers.
func Register() error {
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
// inputs and compares it with the CPU.
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
		return errors.New("cuda: self-test: GPU vote counts differ from the CPU's; not using the GPU")
	}
	table := make([]float64, 3*m+1)
	for i := range table {
		table[i] = r.NormFloat64()
	}
	gp, cp := make([]float64, 2000), make([]float64, 2000)
	if err := d.Posterior(gp, votes[:1000*m], m, table); err != nil {
		return fmt.Errorf("cuda: self-test: %v", err)
	}
	cpu.Posterior(cp, votes[:1000*m], m, []float64{0, table[3*m]}, logOddsFactors(table, m))
	for i := range gp {
		if math.Abs(gp[i]-cp[i]) > 1e-9 {
			return errors.New("cuda: self-test: GPU probabilities differ from the CPU's; not using the GPU")
		}
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
		gv, cv := make([]float64, tm), make([]float64, tm)
		gc, cc, gz, cz := make([]int, tm), make([]int, tm), make([]int, tm), make([]int, tm)
		cpu.TripletAggregate(pairs, tm, lf, comp, median, cv, cc, cz)
		if err := d.TripletAggregate(pairs, tm, lf, comp, median, gv, gc, gz); err != nil {
			return fmt.Errorf("cuda: self-test: %v", err)
		}
		for e := range gv {
			if gc[e] != cc[e] || gz[e] != cz[e] || math.Abs(gv[e]-cv[e]) > 1e-9 {
				return errors.New("cuda: self-test: GPU triplet solve differs from the CPU's; not using the GPU")
			}
		}
	}
	return nil
}

// logOddsFactors expresses a log-odds table as cpu factors (log P(Y=-1)
// terms 0), for the CPU side of the self-test.
func logOddsFactors(table []float64, m int) []cpu.Factor {
	fs := make([]cpu.Factor, m)
	for i := range fs {
		fs[i] = cpu.Factor{LFs: []int{i}, Table: []float64{0, table[3*i], 0, table[3*i+1], 0, table[3*i+2]}}
	}
	return fs
}
