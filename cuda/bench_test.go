//go:build !nocuda

package cuda

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/squid-ws/squid/cpu"
)

func reportBandwidth(b *testing.B, bytes int64) {
	b.SetBytes(bytes)
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/H200Bandwidth, "frac-of-H200-BW")
}

// BenchmarkMoments pairs the CPU and GPU counting kernels.
func BenchmarkMoments(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct{ n, m int }{{100_000, 10}, {1_000_000, 10}, {10_000_000, 10}, {100_000_000, 10}, {1_000_000, 100}, {100_000, 1000}} {
		votes := randomVotes(r, c.n, c.m)
		for _, side := range []string{"cpu", "gpu"} {
			if side == "cpu" && c.n*c.m > 200_000_000 {
				continue
			}
			b.Run(fmt.Sprintf("%s/n=%d/m=%d", side, c.n, c.m), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					dst := cpu.NewCounts(c.m)
					if side == "cpu" {
						cpu.Count(dst, votes, c.m)
					} else if err := dev.Count(dst, votes, c.m); err != nil {
						b.Fatal(err)
					}
				}
				reportBandwidth(b, int64(c.n*c.m))
			})
		}
	}
}

// BenchmarkTriplet pairs the CPU and GPU triplet solves.
func BenchmarkTriplet(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, m := range []int{100, 500, 2000} {
		pairs := make([]float64, m*m)
		for i := range pairs {
			pairs[i] = 0.1 + r.Float64()
		}
		lf, comp := cpu.AllPairs(m)
		for _, median := range []bool{false, true} {
			for _, side := range []string{"cpu", "gpu"} {
				if side == "cpu" && m > 500 {
					continue
				}
				b.Run(fmt.Sprintf("%s/median=%v/m=%d", side, median, m), func(b *testing.B) {
					dst := cpu.NewTripletResult(m)
					req := cpu.TripletRequest{Pairs: pairs, M: m, LF: lf, Comp: comp, Median: median}
					for i := 0; i < b.N; i++ {
						if side == "cpu" {
							cpu.TripletAggregate(dst, req)
						} else if err := dev.TripletAggregate(dst, req); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkFusedLoss measures the fused label + BCE kernel (votes already
// on the host, logits on the device).
func BenchmarkFusedLoss(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	const m = 10
	table := cpu.NewLogOdds(m)
	for i := range table {
		table[i] = r.NormFloat64()
	}
	for _, batch := range []int{1000, 100_000, 1_000_000} {
		votes := randomVotes(r, batch, m)
		x := make([]float32, batch)
		buf, err := dev.ToDevice(tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x)))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := dev.FusedBCE(table, votes, m, buf, 1)
				if err != nil {
					b.Fatal(err)
				}
				res.Labels.Free()
				res.Grad.Free()
			}
			reportBandwidth(b, int64(batch*(m+4+8+4)))
		})
		buf.Free()
	}
}

// BenchmarkLossStepHost measures the host work a GPU loss step adds to
// fsloss's push and refits: the plan from the segments and its staging
// (what is copied to pinned memory, then to the GPU in one copy), with
// refits every 10 rows at m = 20.
func BenchmarkLossStepHost(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	const m = 20
	for _, batch := range []int{256, 4096, 65536} {
		segs, votes := refitSegments(r, batch, m), randomVotes(r, batch, m)
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			var staged []byte
			for i := 0; i < b.N; i++ {
				p, err := planSegments(segs, votes, batch, m)
				if err != nil {
					b.Fatal(err)
				}
				if l := p.layout(); int64(len(staged)) < l.end {
					staged = make([]byte, l.end)
				}
				p.stage(staged)
			}
			b.SetBytes(int64(len(staged)))
		})
	}
}

// BenchmarkLossStep measures a whole GPU loss step from host data (plan,
// staging, one copy, one launch, the loss back, one stream wait) with
// refits every 10 rows at m = 20; on the stand-in it measures the host
// emulator instead.
func BenchmarkLossStep(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	const m = 20
	for _, batch := range []int{256, 4096, 65536} {
		segs, votes := refitSegments(r, batch, m), randomVotes(r, batch, m)
		x := make([]float32, batch)
		buf, err := dev.ToDevice(tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(x)))
		if err != nil {
			b.Fatal(err)
		}
		s := &stepper{d: dev}
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := planSegments(segs, votes, batch, m)
				if err != nil {
					b.Fatal(err)
				}
				res, err := s.run(p, buf, 1)
				if err != nil {
					b.Fatal(err)
				}
				res.Free()
			}
		})
		s.close()
		buf.Free()
	}
}
