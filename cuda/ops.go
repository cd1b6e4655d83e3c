//go:build !nocuda

package cuda

import (
	"fmt"

	"github.com/squid-ws/squid/cpu"
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

func toInt64(x []int) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}
