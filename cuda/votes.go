//go:build !nocuda

package cuda

import (
	"errors"
	"fmt"

	"gorgonia.org/cu"

	"github.com/squid-ws/squid/cpu"
)

// deviceChunkBytes bounds the votes CountDevice packs at once (1 GiB: 256
// MiB of bitsets).
const deviceChunkBytes = 1 << 30

// Votes is an n x m int8 vote matrix (row-major, +1/-1/0) in device
// memory, made by Device.Upload. CountDevice counts it there, so votes
// that stay on the GPU cross the bus once however often they are counted.
// Free releases it.
type Votes struct {
	d    *Device
	ptr  cu.DevicePtr
	n, m int
}

// Rows returns the number of rows n.
func (v *Votes) Rows() int { return v.n }

// LFs returns the number of labeling functions m.
func (v *Votes) LFs() int { return v.m }

// Free releases the device memory. Freeing twice does nothing.
func (v *Votes) Free() error {
	if v == nil {
		return nil
	}
	return v.d.freeOnce(&v.ptr)
}

// Upload copies an n x m vote matrix to the device. The votes must hold
// whole rows of m.
func (d *Device) Upload(votes []int8, m int) (*Votes, error) {
	if m <= 0 || len(votes)%m != 0 {
		return nil, fmt.Errorf("cuda: Upload: %d votes are not whole rows of m = %d", len(votes), m)
	}
	v := &Votes{d: d, n: len(votes) / m, m: m}
	err := d.do(func() error {
		var a arena
		p, err := upload(&a, votes)
		if err != nil {
			a.free()
			return err
		}
		v.ptr = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// CountDevice adds the counts of device votes v to dst, exactly as
// cpu.Count of the same votes, on the device-resident matrix
// (CountKernels: squid_pair_counts_mma reads the votes once; the fallback
// packs them into bitsets first), in row chunks of at most 1 GiB of votes,
// with the bitsets and counts kept by the device between calls (Release
// frees them); only the m x m x 4 counts come back.
func (d *Device) CountDevice(dst cpu.Counts, v *Votes) error {
	if v == nil || v.ptr == 0 {
		return errors.New("cuda: CountDevice: nil or freed votes")
	}
	if v.d != d {
		return errors.New("cuda: CountDevice: the votes were uploaded to another device")
	}
	if err := checkCountArgs("CountDevice", dst, v.n*v.m, v.m); err != nil {
		return err
	}
	n, m := v.n, v.m
	if n == 0 {
		return nil
	}
	rowsPerChunk := min(n, max(32, (deviceChunkBytes/m)/32*32))
	return d.withScratch(func(sc *countScratch) error {
		if err := sc.ensure(newCountShape(rowsPerChunk, m, d.mma), 0); err != nil {
			return err
		}
		if err := wrap("clearing GPU memory", cu.MemsetD8(sc.counts, 0, int64(m)*int64(m)*4*8)); err != nil {
			return err
		}
		for r0 := 0; r0 < n; r0 += rowsPerChunk {
			rows := min(rowsPerChunk, n-r0)
			dv := v.ptr + cu.DevicePtr(r0*m)
			if err := d.launchCount(newCountShape(rows, m, d.mma), dv, rows, m, sc.pos, sc.neg, sc.counts); err != nil {
				return err
			}
		}
		return d.collectCounts(dst, sc.counts, m)
	})
}
