//go:build !nocuda

package cuda

import (
	"fmt"
	"os"
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

// Register opens GPU 0 and makes it labelmodel's backend.
func Register() error {
	dev, err := Open(0)
	if err != nil {
		return err
	}
	labelmodel.SetBackend(&Backend{Dev: dev})
	return nil
}
