package fsloss

import (
	"fmt"
	"testing"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// BenchmarkForward measures the per-batch cost of Loss.Forward (batch 64,
// a refit every 10 rows) against the reference's way of refitting: a
// re-scan of the whole buffer at every refit ("rescan"), which is what
// FlyingSquid's FSLoss does.
func BenchmarkForward(b *testing.B) {
	for _, m := range []int{5, 20, 50} {
		for _, capacity := range []int{100, 10_000, 100_000} {
			d, _ := synth.Generate(synth.Config{N: capacity + 64*50, LFs: synth.Spread(m, 0.6, 0.9, 0.4, 0.9), Seed: 1})
			b.Run(fmt.Sprintf("incremental/m=%d/buffer=%d", m, capacity), func(b *testing.B) {
				loss, _ := New(Config{Spec: labelmodel.Spec{M: m}, BufferCapacity: capacity})
				warm(b, loss, d, capacity)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					x, w := batchOf(d, capacity+64*(i%50), capacity+64*(i%50+1))
					if _, err := loss.Forward(x, w); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("rescan/m=%d/buffer=%d", m, capacity), func(b *testing.B) {
				model, _ := labelmodel.New(labelmodel.Spec{M: m})
				buf := labelmodel.Votes{N: capacity, M: m, Data: d.Votes[:capacity*m]}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for refit := 0; refit < 64/10+1; refit++ { // the refits of one batch
						if err := model.Fit(buf, labelmodel.Options{}); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

func warm(b *testing.B, loss *Loss, d synth.Data, rows int) {
	for from := 0; from < rows; from += 1000 {
		x, w := batchOf(d, from, min(from+1000, rows))
		if _, err := loss.Forward(x, w); err != nil {
			b.Fatal(err)
		}
	}
}
