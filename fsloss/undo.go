package fsloss

// journal records what pushing a batch into a ring changed, so that a
// call that fails part way (a refit error) can put the ring and the
// statistics kept in step with it back bit for bit: a failed call changes
// nothing.
type journal struct {
	size, index int
	slots       []int  // slots written, in order
	old         []int8 // their previous contents, m votes each
	evicted     []bool // whether the previous contents were counted
}

// begin starts a journal of r's changes.
func (r *ring) begin() *journal { return &journal{size: r.size, index: r.index} }

// record notes that the next push overwrites the slot at r.index.
func (j *journal) record(r *ring) {
	j.slots = append(j.slots, r.index)
	j.old = append(j.old, r.buf[r.index*r.m:(r.index+1)*r.m]...)
	j.evicted = append(j.evicted, r.size == r.capacity)
}

// rollback undoes the recorded pushes newest first: each stored row is
// uncounted (remove), each evicted row counted again (add) and put back.
// Counts are integers, so the statistics return to their exact values.
func (j *journal) rollback(r *ring, remove, add func(row []int8) error) error {
	for k := len(j.slots) - 1; k >= 0; k-- {
		slot := r.buf[j.slots[k]*r.m : (j.slots[k]+1)*r.m]
		if err := remove(slot); err != nil {
			return err
		}
		old := j.old[k*r.m : (k+1)*r.m]
		if j.evicted[k] {
			if err := add(old); err != nil {
				return err
			}
		}
		copy(slot, old)
	}
	r.size, r.index = j.size, j.index
	return nil
}

// pushes returns a push function for ring.forRows that journals each row
// before push stores it.
func (j *journal) pushes(r *ring, push func(row int) error) func(row int) error {
	return func(row int) error {
		j.record(r)
		return push(row)
	}
}

// len returns the number of pushes recorded.
func (j *journal) len() int { return len(j.slots) }

// truncate forgets the pushes of r recorded after the first n.
func (j *journal) truncate(r *ring, n int) {
	j.slots, j.old, j.evicted = j.slots[:n], j.old[:n*r.m], j.evicted[:n]
}
