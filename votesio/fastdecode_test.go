package votesio

import (
	"encoding/binary"
	"math"
	"testing"
)

// The float64 fast path accepts exactly the values the convention accepts
// and maps them to the same votes, value by value.
func FuzzFloat64Votes(f *testing.F) {
	for _, x := range []float64{-1, 0, math.Copysign(0, -1), 1, 2, -2, 0.5, 1 + 1e-16, math.Nextafter(1, 2), math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, 1e300} {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		raw := binary.LittleEndian.AppendUint64(nil, bits)
		for _, conv := range []Convention{{Abstain: 0}, {Abstain: -1}, {Abstain: 0, Classes: 2}} {
			want, wantOK := conv.vote(x)
			dst := make([]int8, 1)
			ok := float64Votes(conv)(dst, raw)
			if ok != wantOK || (ok && dst[0] != want) {
				t.Fatalf("%+v: %v (bits %#x): fast path %d, %v; general %d, %v", conv, x, bits, dst[0], ok, want, wantOK)
			}
		}
	})
}

func TestFloat64VotesOnlyBinary(t *testing.T) {
	if float64Votes(Convention{Abstain: -1, Classes: 3}) != nil {
		t.Fatal("multiclass convention got the binary fast path")
	}
}
