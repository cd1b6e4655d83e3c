package labelmodel

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Votes is an n x m matrix of labeling-function votes in row-major order:
// Data[r*M+i] is the vote of LF i on row r, -1 or +1, or 0 for an
// abstention.
type Votes struct {
	N, M int
	Data []int8
}

// NewVotes wraps data (row-major, n rows of m votes) after checking its
// shape and that every value is -1, 0 or +1.
func NewVotes(n, m int, data []int8) (Votes, error) {
	v := Votes{N: n, M: m, Data: data}
	return v, v.Validate(true)
}

// Row returns the votes of row r.
func (v Votes) Row(r int) []int8 { return v.Data[r*v.M : (r+1)*v.M] }

// Validate checks the shape and the values; with allowAbstain false a 0
// vote is an error too. The error names the first bad row, column and value.
func (v Votes) Validate(allowAbstain bool) error {
	if v.N < 0 || v.M <= 0 || len(v.Data) != v.N*v.M {
		return shapeError("votes", len(v.Data), v.N*v.M, "votes of shape %d x %d need %d values, got %d", v.N, v.M, v.N*v.M, len(v.Data))
	}
	if allValid(v.Data, allowAbstain) {
		return nil
	}
	for k, x := range v.Data {
		if x == 1 || x == -1 || (x == 0 && allowAbstain) {
			continue
		}
		what := "must be -1, 0 or +1"
		if !allowAbstain {
			what = "must be -1 or +1 (the model does not allow abstentions)"
		}
		return &VoteError{Row: k / v.M, Col: k % v.M, Value: int(x),
			msg: fmt.Sprintf("labelmodel: vote at row %d, column %d is %d: %s", k/v.M, k%v.M, x, what)}
	}
	return nil
}

// allValid checks 8 votes at a time: adding 1 to each byte (without carries
// between bytes) maps -1, 0, +1 to 0, 1, 2, so a word is valid when no byte
// is 0, 1 or 2 (0 or 2 without abstentions).
func allValid(data []int8, allowAbstain bool) bool {
	const low7, high, one = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080, 0x0101010101010101
	mask := uint64(0xfcfcfcfcfcfcfcfc)
	if !allowAbstain {
		mask = 0xfdfdfdfdfdfdfdfd
	}
	if len(data) == 0 {
		return true
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), len(data))
	var bad uint64
	k := 0
	for ; k+8 <= len(b); k += 8 {
		y := ((binary.LittleEndian.Uint64(b[k:]) & low7) + one) ^ (binary.LittleEndian.Uint64(b[k:]) & high)
		bad |= y&mask | (y>>1)&y&one // bits above the lowest two, or a byte of 3
	}
	for ; k < len(b); k++ {
		y := uint64(b[k] + 1)
		bad |= y&mask&0xff | (y>>1)&y&1
	}
	return bad == 0
}
