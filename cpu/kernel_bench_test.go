package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// countedWords is the number of 64-bit words a Count of n x m votes ANDs
// and popcounts: four per pair per 64 rows.
func countedWords(n, m int) int { return 4 * NumPairs(m) * ((n + 63) / 64) }

// bareTime is how long the fastest kernel's bare popcount loop takes over
// words words, read from an L1-resident buffer: the roofline of Count.
func bareTime(words int) time.Duration {
	buf := randomWords(rand.New(rand.NewPCG(1, 1)), 512)
	k := Kernels()[0]
	start := time.Now()
	var s int64
	for left := words; left > 0; left -= len(buf) {
		s += k.Popcount(buf[:min(left, len(buf))])
	}
	sink += s
	return time.Since(start)
}

var sink int64

// BenchmarkCount runs Count with every kernel side by side and reports
// ns/vote and roofline-frac: the bare popcount loop's time over the same
// number of words divided by the kernel's (1 = at the roofline), both
// measured in this run on one core (GOMAXPROCS=1 makes the comparison
// exact; with more, Count spreads over cores and the fraction can pass 1).
func BenchmarkCount(b *testing.B) {
	for _, sz := range []struct{ n, m int }{{100_000, 5}, {100_000, 20}, {10_000, 50}, {100_000, 50}, {100_000, 200}} {
		votes := randomVotes(rand.New(rand.NewPCG(2, 3)), sz.n, sz.m, 0.3)
		for _, k := range Kernels() {
			b.Run(fmt.Sprintf("n=%d/m=%d/%s", sz.n, sz.m, k.Name), func(b *testing.B) {
				b.SetBytes(int64(len(votes)))
				for b.Loop() {
					k.Count(NewCounts(sz.m), votes, sz.m)
				}
				per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(per/float64(len(votes)), "ns/vote")
				bare := bareTime(countedWords(sz.n, sz.m))
				b.ReportMetric(float64(bare.Nanoseconds())/per, "roofline-frac")
			})
		}
	}
}

// BenchmarkPopcount is the bare popcount loop of every kernel over 512
// L1-resident words.
func BenchmarkPopcount(b *testing.B) {
	buf := randomWords(rand.New(rand.NewPCG(1, 1)), 512)
	for _, k := range Kernels() {
		b.Run(k.Name, func(b *testing.B) {
			b.SetBytes(int64(8 * len(buf)))
			for b.Loop() {
				sink += k.Popcount(buf)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(buf)), "ns/word")
		})
	}
}
