package labelmodel

import (
	"errors"
	"fmt"
	"math"
)

// classBalance returns P(Y) over the 2^v patterns.
func (m *Model) classBalance(opts Options) ([]float64, error) {
	k := m.Classes()
	balance := make([]float64, k)
	switch {
	case opts.ClassBalance != nil:
		return NormalizeClassBalance(opts.ClassBalance, k, "2^v")
	case opts.DevLabels != nil:
		v := m.g.v
		if len(opts.DevLabels) == 0 || len(opts.DevLabels)%v != 0 {
			return nil, fmt.Errorf("labelmodel: %d dev labels is not a positive multiple of v = %d", len(opts.DevLabels), v)
		}
		counts := make([]int, k)
		for r := 0; r < len(opts.DevLabels)/v; r++ {
			y := 0
			for t := 0; t < v; t++ {
				switch opts.DevLabels[r*v+t] {
				case 1:
					y = y<<1 | 1
				case -1:
					y <<= 1
				default:
					return nil, fmt.Errorf("labelmodel: dev label at row %d, task %d is %d, want -1 or +1", r, t, opts.DevLabels[r*v+t])
				}
			}
			counts[y]++
		}
		for y, c := range counts {
			balance[y] = float64(c) / float64(len(opts.DevLabels)/v)
		}
	default:
		for y := range balance {
			balance[y] = 1 / float64(k)
		}
	}
	return balance, nil
}

// NormalizeClassBalance checks that p has want entries (what names the
// count in the error, e.g. "2^v" or "k"), all finite and non-negative and
// not all zero, and returns them scaled to sum to one. It is the check Fit
// applies to Options.ClassBalance, exported so that packages built on
// this one (multiclass) validate a user's class balance
// the same way, before any work starts.
func NormalizeClassBalance(p []float64, want int, what string) ([]float64, error) {
	if len(p) != want {
		return nil, shapeError("class balance", len(p), want, "class balance has %d entries, want %s = %d", len(p), what, want)
	}
	var top float64
	for y, x := range p {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("labelmodel: class balance entry %d is %v, want a finite non-negative number", y, x)
		}
		top = max(top, x)
	}
	if top == 0 {
		return nil, errors.New("labelmodel: class balance sums to zero")
	}
	// Scaling by the largest entry first keeps the sum finite for entries
	// near the largest float64 (1e308 + 1e308 overflows to +Inf).
	var sum float64
	out := make([]float64, want)
	for y, x := range p {
		out[y] = x / top
		sum += out[y]
	}
	for y := range out {
		out[y] /= sum
	}
	return out, nil
}

// taskMarginal returns P(Y_tasks = values) under the class balance.
func (m *Model) taskMarginal(balance []float64, tasks []int, values []int) float64 {
	var p float64
	for y, py := range balance {
		ok := true
		for k, t := range tasks {
			bit := y >> (m.g.v - 1 - t) & 1
			if (bit == 1) != (values[k] == 1) {
				ok = false
				break
			}
		}
		if ok {
			p += py
		}
	}
	return p
}
