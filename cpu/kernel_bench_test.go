package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var sink int64

// BenchmarkCount runs Count with every kernel side by side and reports
// ns/vote (the bench package sets them beside the roofline).
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
