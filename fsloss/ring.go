package fsloss

import "fmt"

// bufferDefaults fills in FlyingSquid's defaults (a buffer of 100 rows, a
// refit every 10) and checks the values.
func bufferDefaults(capacity, updateFrequency *int) error {
	if *capacity == 0 {
		*capacity = 100
	}
	if *updateFrequency == 0 {
		*updateFrequency = 10
	}
	if *capacity < 0 || *updateFrequency < 0 {
		return fmt.Errorf("fsloss: buffer capacity %d and update frequency %d must be positive", *capacity, *updateFrequency)
	}
	return nil
}

// ring is the buffer of the most recent weak-label rows, in FlyingSquid's
// order: slot index is written next, and a refit is due after writing a
// slot whose index is a multiple of the update frequency, once the buffer
// holds warmUp rows (see due).
type ring struct {
	buf             []int8
	m, capacity     int
	size, index     int
	updateFrequency int
	warmUp          int
}

// newRing returns an empty ring with FlyingSquid's schedule (warm-up 1: the
// first fit is on the first row).
func newRing(m, capacity, updateFrequency int) ring {
	return ring{buf: make([]int8, m*capacity), m: m, capacity: capacity, updateFrequency: updateFrequency, warmUp: 1}
}

// due reports whether pushing the next row makes a refit due: the buffer
// will then hold at least warmUp rows, and either the row's slot is a
// multiple of the update frequency or no model is fitted yet. With warmUp 1
// this is FlyingSquid's rule (its first row has slot 0).
func (r *ring) due(fitted bool) bool {
	return min(r.size+1, r.capacity) >= r.warmUp && (r.index%r.updateFrequency == 0 || !fitted)
}

// push stores row, first handing the row it evicts (when the buffer is
// full) to evict, then the stored row to add; it reports whether a refit is
// due now (fitted says whether a model is fitted, see due).
func (r *ring) push(row []int8, fitted bool, evict, add func(row []int8) error) (refit bool, err error) {
	refit = r.due(fitted)
	slot := r.buf[r.index*r.m : (r.index+1)*r.m]
	if r.size == r.capacity {
		if err := evict(slot); err != nil {
			return false, err
		}
	} else {
		r.size++
	}
	copy(slot, row)
	if err := add(slot); err != nil {
		return false, err
	}
	r.index = (r.index + 1) % r.capacity
	return refit, nil
}

// rows returns the rows held (in slot order).
func (r *ring) rows() []int8 { return r.buf[:r.size*r.m] }

// forRows pushes the rows of a batch into the ring one by one and labels
// them in segments: rows that share a fitted model (no refit between them)
// are labelled in one call, label(a, b) for rows [a, b). A refit happens
// when a row is pushed, before that row is labelled, as in FlyingSquid;
// fitted says whether a model is fitted now (see due).
func (r *ring) forRows(batch int, fitted func() bool, push func(row int) error, label func(a, b int) error) error {
	start := 0
	for row := 0; row < batch; row++ {
		if row > start && r.due(fitted()) {
			if err := label(start, row); err != nil {
				return err
			}
			start = row
		}
		if err := push(row); err != nil {
			return err
		}
	}
	if start < batch {
		return label(start, batch)
	}
	return nil
}
