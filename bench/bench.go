// Package bench measures squid's hot paths: sufficient statistics
// (reference loop vs bit-packed fast path), fit, and predict, at sizes from
// 10^4 to 10^7 rows and 5 to 200 LFs. The same cases run as `go test
// -bench` benchmarks and as the `squid bench` table.
package bench

import (
	"fmt"
	"io"
	"testing"
	"text/tabwriter"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// Case is one benchmark: an operation on an n x m synthetic vote matrix.
type Case struct {
	Op   string // "moments-ref", "moments", "fit", "predict", "fit+predict"
	N, M int
}

// Name is the benchmark's sub-test name.
func (c Case) Name() string { return fmt.Sprintf("%s/n=%d/m=%d", c.Op, c.N, c.M) }

// Cases returns the benchmark cases; quick keeps the small ones.
func Cases(quick bool) []Case {
	var cs []Case
	add := func(n, m int, ops ...string) {
		if quick && n*m > 2_000_000 {
			return
		}
		for _, op := range ops {
			cs = append(cs, Case{op, n, m})
		}
	}
	add(10_000, 5, "moments-ref", "moments", "fit+predict")
	add(100_000, 5, "moments-ref", "moments", "fit+predict")
	add(10_000, 50, "moments-ref", "moments", "fit+predict")
	add(100_000, 200, "moments-ref", "moments", "fit")
	add(1_000_000, 20, "moments-ref", "moments", "fit", "predict")
	add(10_000_000, 3, "moments", "predict")
	add(10_000_000, 20, "moments", "predict")
	return cs
}

// data caches generated vote matrices by shape.
var data = map[[2]int]labelmodel.Votes{}

// Votes returns a synthetic n x m vote matrix (generated once per shape).
func Votes(n, m int) labelmodel.Votes {
	if v, ok := data[[2]int{n, m}]; ok {
		return v
	}
	d, err := synth.Generate(synth.Config{N: n, LFs: synth.Spread(m, 0.55, 0.9, 0.3, 0.95), Seed: 42})
	if err != nil {
		panic(err)
	}
	v := labelmodel.Votes{N: n, M: m, Data: d.Votes}
	data[[2]int{n, m}] = v
	return v
}

// Run runs one case b.N times.
func Run(b *testing.B, c Case) {
	v := Votes(c.N, c.M)
	model, err := labelmodel.New(labelmodel.Spec{M: c.M})
	if err != nil {
		b.Fatal(err)
	}
	if c.Op == "predict" {
		if err := model.Fit(v, labelmodel.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	out := make([]float64, 2*c.N)
	b.SetBytes(int64(c.N * c.M))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switch c.Op {
		case "moments-ref":
			cpu.CountReference(cpu.NewCounts(c.M), v.Data, c.M)
		case "moments":
			cpu.Count(cpu.NewCounts(c.M), v.Data, c.M)
		case "fit":
			err = model.Fit(v, labelmodel.Options{})
		case "predict":
			err = model.PredictProbaInto(out, v)
		case "fit+predict":
			if err = model.Fit(v, labelmodel.Options{}); err == nil {
				err = model.PredictProbaInto(out, v)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// Table runs every case with testing.Benchmark and prints time per
// operation, rows per second and nanoseconds per vote.
func Table(w io.Writer, quick bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trows\tLFs\ttime/op\trows/s\tns/vote\t")
	for _, c := range Cases(quick) {
		r := testing.Benchmark(func(b *testing.B) { Run(b, c) })
		if r.N == 0 {
			return fmt.Errorf("benchmark %s failed", c.Name())
		}
		per := float64(r.T.Nanoseconds()) / float64(r.N)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3gms\t%.3g\t%.3g\t\n", c.Op, c.N, c.M, per/1e6, float64(c.N)/per*1e9, per/float64(c.N*c.M))
	}
	return tw.Flush()
}

// MajorityVote returns the majority-vote label of one row of votes: +1
// when the votes sum to more than 0, else -1 (FlyingSquid's baseline).
func MajorityVote(row []int8) int8 {
	s := 0
	for _, v := range row {
		s += int(v)
	}
	if s > 0 {
		return 1
	}
	return -1
}
