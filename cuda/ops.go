//go:build !nocuda

package cuda

import (
	"fmt"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/kernels"
)

// Posterior writes P(Y=-1), P(Y=+1) for every row (out is n x 2) from the
// per-LF log-odds table of an independent one-task model (see
// cpu.LogOdds).
func (d *Device) Posterior(out []float64, votes []int8, m int, table cpu.LogOdds) error {
	if m <= 0 || len(votes)%m != 0 {
		return fmt.Errorf("cuda: Posterior: %d votes are not whole rows of m = %d", len(votes), m)
	}
	n := len(votes) / m
	if len(out) != 2*n || len(table) != cpu.LogOddsLen(m) {
		return fmt.Errorf("cuda: Posterior: out has %d values, table %d; want %d and %d", len(out), len(table), 2*n, cpu.LogOddsLen(m))
	}
	if n == 0 {
		return nil
	}
	return d.do(func() error {
		var a arena
		defer a.free()
		dv, err := upload(&a, votes)
		if err != nil {
			return err
		}
		dt, err := upload(&a, table)
		if err != nil {
			return err
		}
		do, err := a.alloc(int64(len(out)) * 8)
		if err != nil {
			return err
		}
		if err := d.launchPosteriorLogOdds(dim3{blocks(int64(n), 256), 1, 1}, dim3{256, 1, 1}, dv, int64(n), int64(m), dt, do); err != nil {
			return err
		}
		return download(out, do)
	})
}

// TripletAggregate is cpu.TripletAggregate on the GPU: one block per
// expectation, all in one launch, for the mean (squid_triplet_mean) and
// for the median (squid_triplet_median: a selection that recomputes the
// values in a few histogram passes, with no scratch memory).
//
// A request that r.Validate(dst) rejects is an error naming the mismatch,
// and so is a median over m >= MaxMedianLFs LFs (more candidate pairs per
// expectation than the kernel's 32-bit histogram counts).
func (d *Device) TripletAggregate(dst cpu.TripletResult, r cpu.TripletRequest) error {
	if r.Median && r.M >= MaxMedianLFs {
		return fmt.Errorf("cuda: TripletAggregate: a median over m = %d LFs: the GPU median takes m < %d", r.M, MaxMedianLFs)
	}
	if err := r.Validate(dst); err != nil {
		return fmt.Errorf("cuda: TripletAggregate: %w", err)
	}
	pairs, m, lf, comp, median := r.Pairs, r.M, r.LF, r.Comp, r.Median
	value, count, zeros := dst.Value, dst.Count, dst.Zeros
	E := len(lf)
	if E == 0 {
		return nil
	}
	lf64, comp64 := toInt64(lf), toInt64(comp)
	return d.do(func() error {
		var a arena
		defer a.free()
		dp, err := upload(&a, pairs)
		if err != nil {
			return err
		}
		dl, err := upload(&a, lf64)
		if err != nil {
			return err
		}
		dc, err := upload(&a, comp64)
		if err != nil {
			return err
		}
		dval, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		dcnt, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		dz, err := a.alloc(int64(E) * 8)
		if err != nil {
			return err
		}
		if !median {
			if err := d.launchTripletMean(dim3{E, 1, 1}, dim3{kernels.TripletThreads, 1, 1}, dp, dl, dc, int64(m), dval, dcnt, dz); err != nil {
				return err
			}
		} else if err := d.launchTripletMedian(dim3{E, 1, 1}, dim3{kernels.TripletThreads, 1, 1}, dp, dl, dc, int64(m), dval, dcnt, dz); err != nil {
			return err
		}
		cnt, z := make([]int64, E), make([]int64, E)
		if err := download(value, dval); err != nil {
			return err
		}
		if err := download(cnt, dcnt); err != nil {
			return err
		}
		if err := download(z, dz); err != nil {
			return err
		}
		for e := range value {
			count[e], zeros[e] = int(cnt[e]), int(z[e])
			if !median && cnt[e] > 0 {
				value[e] /= float64(cnt[e])
			}
		}
		return nil
	})
}

// MaxMedianLFs bounds m for the GPU triplet median: below it, every
// expectation has fewer than 2^32 candidate pairs, which the median
// kernel's histogram bins count in 32 bits.
const MaxMedianLFs = 92684

func toInt64(x []int) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}
