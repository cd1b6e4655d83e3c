//go:build !nocuda

package cuda

import (
	"fmt"
	"math"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/kernels"
)

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
	lf64, comp32 := toInt64(lf), compInt32(comp, m)
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
		dc, err := upload(&a, comp32)
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
		} else if err := d.launchTripletMedian(dim3{E, 1, 1}, dim3{kernels.TripletThreads, 1, 1}, dp, dl, dc, int64(m), dval, dcnt, dz, 0); err != nil {
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

// compInt32 is comp (rows of m components, one row per expectation) as
// the triplet kernels' int32: the kernels only compare components within
// a row, so a row holding a value outside int32 is renumbered in order of
// first appearance, which keeps which of its entries are equal.
func compInt32(comp []int, m int) []int32 {
	out := make([]int32, len(comp))
	for r := 0; r*m < len(comp); r++ {
		row := comp[r*m : (r+1)*m]
		fits := true
		for i, v := range row {
			if v < math.MinInt32 || v > math.MaxInt32 {
				fits = false
				break
			}
			out[r*m+i] = int32(v)
		}
		if fits {
			continue
		}
		ids := make(map[int]int32, m)
		for i, v := range row {
			id, ok := ids[v]
			if !ok {
				id = int32(len(ids))
				ids[v] = id
			}
			out[r*m+i] = id
		}
	}
	return out
}
