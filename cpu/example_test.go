package cpu_test

import (
	"fmt"

	"github.com/squid-ws/squid/cpu"
)

// A log-odds table for two LFs: LF 0 is strong, LF 1 weak, abstentions
// count for nothing, and the classes are balanced.
func ExampleLogOdds() {
	t := cpu.NewLogOdds(2)
	t.Add(0, +1, 2)
	t.Add(0, -1, -2)
	t.Add(1, +1, 0.5)
	t.Add(1, -1, -0.5)
	fmt.Println(len(t), t.At(0, 1), t.Base())
	fmt.Println(t.Logit([]int8{+1, -1}), t.Logit([]int8{0, -1}))

	// Posterior gives the same probabilities from the table's factors.
	base, factors := t.Factors()
	out := make([]float64, 2)
	cpu.Posterior(out, []int8{+1, -1}, 2, base, factors)
	fmt.Printf("P(Y=+1) = %.4f\n", out[1])
	// Output:
	// 7 2 0
	// 1.5 -0.5
	// P(Y=+1) = 0.8176
}

// The triplet step for three LFs whose pairwise moments E[λ_i λ_j] are
// all 0.36: each accuracy E[λ_i Y] is sqrt(0.36 * 0.36 / 0.36) = 0.6.
func ExampleTripletAggregate() {
	pairs := []float64{
		1, 0.36, 0.36,
		0.36, 1, 0.36,
		0.36, 0.36, 1,
	}
	lf, comp := cpu.AllPairs(3)
	dst := cpu.NewTripletResult(3)
	cpu.TripletAggregate(dst, cpu.TripletRequest{Pairs: pairs, M: 3, LF: lf, Comp: comp})
	fmt.Printf("%.2f %v %v\n", dst.Value, dst.Count, dst.Zeros)
	// Output: [0.60 0.60 0.60] [1 1 1] [0 0 0]
}
