package cpu

import (
	"runtime"
	"testing"
)

// plainValid is ValidVotes written out one vote at a time.
func plainValid(votes []int8, abstain bool) bool {
	for _, v := range votes {
		if v != 1 && v != -1 && (v != 0 || !abstain) {
			return false
		}
	}
	return true
}

// ValidVotes agrees with the plain check on every byte value at every
// position, for lengths around the 8-byte word and the 32-byte vector.
func TestValidVotesMatchesPlain(t *testing.T) {
	lengths := []int{0}
	for n := 1; n <= 40; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 63, 64, 65, 95, 96, 97)
	for _, abstain := range []bool{true, false} {
		for _, n := range lengths {
			data := make([]int8, n)
			for pos := 0; pos < n; pos++ {
				for b := -128; b < 128; b++ {
					for k := range data {
						data[k] = int8(k%2*2 - 1)
					}
					data[pos] = int8(b)
					if got, want := ValidVotes(data, abstain), plainValid(data, abstain); got != want {
						t.Fatalf("abstain=%v n=%d pos=%d byte=%d: ValidVotes %v, want %v", abstain, n, pos, b, got, want)
					}
				}
			}
			if !ValidVotes(data[:0], abstain) {
				t.Fatal("no votes are not valid")
			}
		}
	}
}

// Split over goroutines, ValidVotes still finds a bad vote at either end
// of every goroutine's share, and passes all-valid votes with and without
// abstentions.
func TestValidVotesParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	n := 3*validChunk + 5
	per := (n + 2) / 3
	data := make([]int8, n)
	for k := range data {
		data[k] = int8(k%3 - 1)
	}
	if !ValidVotes(data, true) || ValidVotes(data, false) {
		t.Fatal("votes -1, 0, +1: want valid with abstentions only")
	}
	for _, pos := range []int{0, per - 1, per, 2*per - 1, 2 * per, n - 1} {
		saved := data[pos]
		data[pos] = 2
		if ValidVotes(data, true) {
			t.Fatalf("a 2 at %d of %d passed", pos, n)
		}
		data[pos] = saved
	}
}

// BenchmarkValidVotes checks 10^6 x 20 votes: "words" is the 8-byte
// portable loop on one goroutine, "best" ValidVotes.
func BenchmarkValidVotes(b *testing.B) {
	data := make([]int8, 20_000_000)
	for k := range data {
		data[k] = int8(k%3 - 1)
	}
	for _, c := range []struct {
		name string
		f    func() bool
	}{
		{"words", func() bool { return validWords(asBytes(data), true) }},
		{"best", func() bool { return ValidVotes(data, true) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if !c.f() {
					b.Fatal("valid votes rejected")
				}
			}
		})
	}
}
