package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPosterior runs the log-odds posterior (one task, independent
// LFs: what predict runs) on 10^6 rows and reports ns/vote; "plain" is the
// per-LF loop, "grouped" the fast path Posterior takes.
func BenchmarkPosterior(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{3, 20, 50} {
		n := 1_000_000
		votes := randomVotes(r, n, m, 0.3)
		t := NewLogOdds(m)
		for i := range t {
			t[i] = r.NormFloat64()
		}
		out := make([]float64, 2*n)
		for _, path := range []struct {
			name string
			run  func()
		}{
			{"plain", func() { logOddsPosterior(out, votes, m, t) }},
			{"grouped", func() { newOddsGroups(t, true).posterior(out, votes) }},
		} {
			b.Run(fmt.Sprintf("n=%d/m=%d/%s", n, m, path.name), func(b *testing.B) {
				b.SetBytes(int64(len(votes)))
				for b.Loop() {
					path.run()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(votes)), "ns/vote")
			})
		}
	}
}
