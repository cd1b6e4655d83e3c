package cpu

import (
	"math"
	"testing"
)

// The LogOdds accessors address the documented flat layout: LF i's votes
// -1, 0, +1 at 3i, 3i+1, 3i+2 and the base at 3m.
func TestLogOddsLayout(t *testing.T) {
	const m = 4
	tb := NewLogOdds(m)
	if len(tb) != 13 || LogOddsLen(m) != 13 || tb.LFs() != m {
		t.Fatalf("table of %d entries for %d LFs, LogOddsLen %d", len(tb), tb.LFs(), LogOddsLen(m))
	}
	for i := range tb {
		tb[i] = float64(i)
	}
	if tb.Base() != 12 {
		t.Errorf("Base = %v, want entry 3m = 12", tb.Base())
	}
	for i := 0; i < m; i++ {
		for v := int8(-1); v <= 1; v++ {
			if got, want := tb.At(i, v), float64(3*i+int(v)+1); got != want {
				t.Errorf("At(%d, %d) = %v, want entry %v", i, v, got, want)
			}
		}
	}
	tb.Add(2, 1, 0.5)
	tb.SetBase(-1)
	if tb[8] != 8.5 || tb[12] != -1 {
		t.Errorf("Add/SetBase wrote %v and %v, want 8.5 at 8 and -1 at 12", tb[8], tb[12])
	}
	if got := tb.Logit([]int8{1, 0, -1, 1}); got != -1+2+4+6.0+11 {
		t.Errorf("Logit = %v, want %v", got, -1+2+4+6.0+11)
	}
}

// Posterior on a table's Factors gives the sigmoid of its Logit, and
// LogOddsTable reads the same table back from them.
func TestLogOddsFactorsRoundTrip(t *testing.T) {
	tb := LogOdds{0.1, -0.2, 0.3, 1, 0, -1, 0.5, 0.25, -0.75, 0.4}
	base, fs := tb.Factors()
	row := []int8{-1, 1, 0}
	out := make([]float64, 2)
	PosteriorReference(out, row, 3, base, fs)
	if want := 1 / (1 + math.Exp(-tb.Logit(row))); math.Abs(out[1]-want) > 1e-15 {
		t.Errorf("P(Y=+1) = %v, sigmoid(Logit) = %v", out[1], want)
	}
	back, ok := LogOddsTable(3, base, fs)
	if !ok {
		t.Fatal("LogOddsTable refused the table's own factors")
	}
	for i := range tb {
		if back[i] != tb[i] {
			t.Errorf("entry %d: %v back, %v in", i, back[i], tb[i])
		}
	}
}

// CliqueIndex is the base-3 number of vote+1 digits, first LF most
// significant.
func TestCliqueIndex(t *testing.T) {
	row := []int8{1, -1, 0, 1}
	for _, c := range []struct {
		lfs  []int
		want int
	}{{nil, 0}, {[]int{0}, 2}, {[]int{1}, 0}, {[]int{0, 2}, 2*3 + 1}, {[]int{3, 1, 2}, 2*9 + 0*3 + 1}} {
		if got := CliqueIndex(row, c.lfs); got != c.want {
			t.Errorf("CliqueIndex(%v, %v) = %d, want %d", row, c.lfs, got, c.want)
		}
	}
}
