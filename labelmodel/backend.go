package labelmodel

import (
	"sync/atomic"

	"github.com/squid-ws/squid/cpu"
)

// Backend computes the two data-heavy arrows of the pipeline: votes ->
// sufficient statistics (Count) and votes -> probabilities (Posterior).
// The pure-Go CPU backend is always available; an accelerated backend (the
// CUDA build) registers itself with SetBackend and may decline a call by
// delegating to the CPU one. Implementations must give the CPU backend's
// results: exact counts, probabilities within rounding.
type Backend interface {
	Name() string
	// Count adds the counts of the n x m votes to dst (see cpu.Count).
	Count(dst cpu.Counts, votes []int8, m int)
	// Posterior fills out (n x K) from the votes (see cpu.Posterior).
	Posterior(out []float64, votes []int8, m int, base []float64, factors []cpu.Factor)
	// TripletAggregate is the triplet step for single-LF expectations
	// (see cpu.TripletAggregate); r.Validate(dst) holds.
	TripletAggregate(dst cpu.TripletResult, r cpu.TripletRequest)
}

// CPU is the pure-Go backend, the one in use unless a build registers
// another; a program only names it to restore it (SetBackend(CPU{}) does
// what SetBackend(nil) does) or to compare a backend against it in tests.
type CPU struct{}

// Name returns "cpu".
func (CPU) Name() string { return "cpu" }

// Count runs cpu.Count.
func (CPU) Count(dst cpu.Counts, votes []int8, m int) { cpu.Count(dst, votes, m) }

// Posterior runs cpu.Posterior.
func (CPU) Posterior(out []float64, votes []int8, m int, base []float64, factors []cpu.Factor) {
	cpu.Posterior(out, votes, m, base, factors)
}

// TripletAggregate runs cpu.TripletAggregate.
func (CPU) TripletAggregate(dst cpu.TripletResult, r cpu.TripletRequest) {
	cpu.TripletAggregate(dst, r)
}

var active atomic.Value // holds a backendBox

type backendBox struct{ b Backend }

// SetBackend makes b the backend of later calls; nil restores the CPU
// backend. It is safe to call concurrently with fits and predictions.
// Programs rarely call it: cuda.Register installs the GPU backend once it
// has checked the device against this one, and tests use it to compare
// backends.
func SetBackend(b Backend) {
	if b == nil {
		b = CPU{}
	}
	active.Store(backendBox{b})
}

// ActiveBackend returns the backend in use, for a program to report which
// one ran (its Name is "cpu", or "cuda (device)" once cuda.Register ran).
func ActiveBackend() Backend { return backend() }

func backend() Backend {
	if b, ok := active.Load().(backendBox); ok {
		return b.b
	}
	return CPU{}
}
