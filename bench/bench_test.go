package bench

import "testing"

// BenchmarkSquid runs every case: go test -bench . ./bench
// (set -short for the small ones only).
func BenchmarkSquid(b *testing.B) {
	for _, c := range Cases(testing.Short()) {
		b.Run(c.Name(), func(b *testing.B) { Run(b, c) })
	}
}

func TestMajorityVote(t *testing.T) {
	for _, c := range []struct {
		row  []int8
		want int8
	}{{[]int8{1, 1, -1}, 1}, {[]int8{1, -1, 0}, -1}, {[]int8{0, 0, 0}, -1}, {[]int8{-1, 0, 0}, -1}, {[]int8{0, 1, 0}, 1}} {
		if got := MajorityVote(c.row); got != c.want {
			t.Errorf("MajorityVote(%v) = %d, want %d", c.row, got, c.want)
		}
	}
}
