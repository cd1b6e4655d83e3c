package bench

import (
	"testing"

	"github.com/squid-ws/squid/labelmodel"
)

// BenchmarkSquid runs every case: go test -bench . ./bench
// (set -short for the small ones only).
func BenchmarkSquid(b *testing.B) {
	for _, c := range benchCases(testing.Short()) {
		b.Run(c.Name(), func(b *testing.B) { runCase(b, c) })
	}
}

// BenchmarkPredict65Mx3 is the shape a FlyingSquid user reported taking
// over 20 minutes to predict: 65 million rows, 3 LFs.
func BenchmarkPredict65Mx3(b *testing.B) {
	if testing.Short() {
		b.Skip("65M rows: skipped in -short mode")
	}
	runCase(b, benchCase{"predict", 65_000_000, 3})
}

// BenchmarkFitDependencies fits 100,000 rows of 9 LFs with 3 LF-LF edges,
// which a FlyingSquid user reported taking 21 seconds.
func BenchmarkFitDependencies(b *testing.B) {
	v := benchVotes(100_000, 9)
	spec := labelmodel.Spec{M: 9, LFEdges: [][2]int{{0, 1}, {2, 3}, {4, 5}}}
	for _, method := range []labelmodel.Method{labelmodel.TripletMean, labelmodel.Triplet} {
		b.Run(string(method), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				model, err := labelmodel.New(spec)
				if err != nil {
					b.Fatal(err)
				}
				if err := model.Fit(v, labelmodel.Options{Method: method}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
