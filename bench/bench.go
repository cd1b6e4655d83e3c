// Package bench measures squid's hot paths: sufficient statistics
// (reference loop, bit-packed portable kernel, the CPU's vector kernel and
// the bare popcount loop that is its roofline), fit, and predict, at sizes
// from 10^4 to 10^7 rows and 5 to 200 LFs. The same cases run as `go test
// -bench` benchmarks and as the `squid bench` table.
package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// benchCase is one benchmark: an operation on an n x m synthetic vote matrix.
type benchCase struct {
	// Op is "moments-ref" (cpu.CountReference), "moments-go" (cpu.Count
	// with the portable kernel), "moments" (cpu.Count: the fastest kernel),
	// "roofline" (the fastest kernel's bare popcount loop over as many
	// words as moments counts), "fit", "predict", "fit+predict" or
	// "majority" (labelmodel.MajorityVoteLabels, the baseline).
	Op   string
	N, M int
}

// Name is the benchmark's sub-test name.
func (c benchCase) Name() string { return fmt.Sprintf("%s/n=%d/m=%d", c.Op, c.N, c.M) }

// benchCases returns the benchmark cases; quick keeps the small ones.
func benchCases(quick bool) []benchCase {
	var cs []benchCase
	add := func(n, m int, ops ...string) {
		if quick && n*m > 2_000_000 {
			return
		}
		for _, op := range ops {
			cs = append(cs, benchCase{op, n, m})
		}
	}
	add(10_000, 5, "moments-ref", "moments", "fit+predict")
	add(100_000, 5, "moments-ref", "moments", "fit+predict")
	add(10_000, 50, "moments-ref", "moments-go", "moments", "roofline", "fit+predict")
	add(100_000, 50, "moments-go", "moments", "roofline")
	add(100_000, 200, "moments-ref", "moments-go", "moments", "roofline", "fit")
	add(1_000_000, 20, "moments-ref", "moments-go", "moments", "roofline", "fit", "predict", "majority")
	add(10_000_000, 3, "moments", "predict")
	add(10_000_000, 20, "moments", "fit", "predict")
	return cs
}

// data caches generated vote matrices by shape.
var data = map[[2]int]labelmodel.Votes{}

// benchVotes returns a synthetic n x m vote matrix (generated once per shape).
func benchVotes(n, m int) labelmodel.Votes {
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

// runCase runs one case b.N times.
func runCase(b *testing.B, c benchCase) {
	v := benchVotes(c.N, c.M)
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
	kernels := cpu.Kernels()
	ties, _ := labelmodel.NewLabeler(labelmodel.TieNegative, 0)
	buf := make([]uint64, 512)
	for i := range buf {
		buf[i] = uint64(i) * 0x9E3779B97F4A7C15
	}
	b.SetBytes(int64(c.N * c.M))
	defer func() {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.N*c.M), "ns/vote")
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switch c.Op {
		case "moments-ref":
			cpu.CountReference(cpu.NewCounts(c.M), v.Data, c.M)
		case "moments-go":
			kernels[len(kernels)-1].Count(cpu.NewCounts(c.M), v.Data, c.M)
		case "moments":
			cpu.Count(cpu.NewCounts(c.M), v.Data, c.M)
		case "roofline":
			roofline(kernels[0], buf, countedWords(c.N, c.M))
		case "fit":
			err = model.Fit(v, labelmodel.Options{})
		case "predict":
			err = model.PredictProbaInto(out, v)
		case "majority":
			labelmodel.MajorityVoteLabels(v, ties)
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

var sink atomic.Int64

// roofline popcounts words words with kernel k's bare loop, reading the
// L1-resident buf over and over, spread over GOMAXPROCS goroutines as
// cpu.Count spreads its work.
func roofline(k cpu.Kernel, buf []uint64, words int) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			var s int64
			for left := words / workers; left > 0; left -= len(buf) {
				s += k.Popcount(buf[:min(left, len(buf))])
			}
			sink.Add(s)
		})
	}
	wg.Wait()
}

// countedWords is the number of 64-bit words cpu.Count ANDs and
// popcounts for n x m votes: four per pair of LFs per 64 rows.
func countedWords(n, m int) int { return 4 * cpu.NumPairs(m) * ((n + 63) / 64) }

// Table runs every case with testing.Benchmark and prints time per
// operation, rows per second, nanoseconds per vote and, for the moments
// kernels, the fraction of the roofline they reach (the bare popcount
// loop's time over the same words, measured in this run, divided by the
// kernel's).
func Table(w io.Writer, quick bool) error { return TableProgress(w, quick, nil) }

// TableProgress is Table that calls next (when not nil) before each case
// runs, with its index i among the n cases: a progress bar counts them.
func TableProgress(w io.Writer, quick bool, next func(i, n int)) error {
	fmt.Fprintf(w, "moments: the %s kernel; moments-go: the portable one; roofline: the %s bare popcount loop over the same words\n", cpu.Kernels()[0].Name, cpu.Kernels()[0].Name)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\trows\tLFs\ttime/op\trows/s\tns/vote\tof roofline\t")
	cases := benchCases(quick)
	per := make([]float64, len(cases))
	roof := map[[2]int]float64{}
	for i, c := range cases {
		if next != nil {
			next(i, len(cases))
		}
		r := testing.Benchmark(func(b *testing.B) { runCase(b, c) })
		if r.N == 0 {
			return fmt.Errorf("benchmark %s failed", c.Name())
		}
		per[i] = float64(r.T.Nanoseconds()) / float64(r.N)
		if c.Op == "roofline" {
			roof[[2]int{c.N, c.M}] = per[i]
		}
	}
	for i, c := range cases {
		frac := ""
		if t, ok := roof[[2]int{c.N, c.M}]; ok && strings.HasPrefix(c.Op, "moments") {
			frac = fmt.Sprintf("%.2f", t/per[i])
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3gms\t%.3g\t%.3g\t%s\t\n", c.Op, c.N, c.M, per[i]/1e6, float64(c.N)/per[i]*1e9, per[i]/float64(c.N*c.M), frac)
	}
	return tw.Flush()
}
