package multiclass

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

func plurality(row []int8, k int) int {
	counts := make([]int, k)
	for _, v := range row {
		if v >= 0 {
			counts[v]++
		}
	}
	best := 0
	for c, n := range counts {
		if n > counts[best] {
			best = c
		}
	}
	return best
}

// On synthetic k-class data the one-vs-all model recovers the LF
// accuracies and labels better than plurality vote.
func TestRecoversMulticlassAccuracies(t *testing.T) {
	for _, k := range []int{3, 5} {
		lfs := synth.Spread(7, 0.5, 0.9, 0.5, 0.95)
		d, err := synth.GenerateMulticlass(synth.MulticlassConfig{N: 200000, K: k, LFs: lfs, Seed: uint64(k)})
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(labelmodel.Spec{M: len(lfs)}, k)
		if err != nil {
			t.Fatal(err)
		}
		votes := Votes{N: d.N, M: d.M, Data: d.Votes}
		if err := m.Fit(votes, Options{}); err != nil {
			t.Fatal(err)
		}
		acc, err := m.AccuraciesGivenVote()
		if err != nil {
			t.Fatal(err)
		}
		for i, lf := range lfs {
			if math.Abs(acc[i]-lf.Accuracy) > 0.02 {
				t.Errorf("k=%d LF %d: estimated accuracy %.3f, true %.3f", k, i, acc[i], lf.Accuracy)
			}
		}
		pred, err := m.Predict(votes)
		if err != nil {
			t.Fatal(err)
		}
		lm, pv := 0, 0
		for r := 0; r < d.N; r++ {
			if pred[r] == int(d.Y[r]) {
				lm++
			}
			if plurality(d.Votes[r*d.M:(r+1)*d.M], k) == int(d.Y[r]) {
				pv++
			}
		}
		if lm <= pv {
			t.Errorf("k=%d: label model right on %d rows, plurality vote on %d", k, lm, pv)
		}
		p, _ := m.PredictProba(Votes{N: 3, M: d.M, Data: d.Votes[:3*d.M]})
		for r := 0; r < 3; r++ {
			var s float64
			for c := 0; c < k; c++ {
				s += p.At(r, c)
			}
			if math.Abs(s-1) > 1e-12 {
				t.Errorf("row %d sums to %v", r, s)
			}
		}
	}
}

func TestMulticlassSaveLoadAndErrors(t *testing.T) {
	d, _ := synth.GenerateMulticlass(synth.MulticlassConfig{N: 3000, K: 3, LFs: synth.Spread(4, 0.6, 0.9, 0.6, 0.9), Seed: 1})
	m, _ := New(labelmodel.Spec{M: 4}, 3)
	votes := Votes{N: d.N, M: 4, Data: d.Votes}
	if err := m.Fit(votes, Options{DevLabels: d.Y[:500]}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	back, err := Load(&b)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := m.PredictProba(votes)
	p2, _ := back.PredictProba(votes)
	for i, x := range p1.RawMatrix().Data {
		if p2.RawMatrix().Data[i] != x {
			t.Fatal("loaded model predicts differently")
		}
	}
	bad := Votes{N: 1, M: 4, Data: []int8{0, 1, 3, -1}}
	if _, err := m.PredictProba(bad); err == nil || !strings.Contains(err.Error(), "row 0, column 2 is 3") {
		t.Errorf("vote 3 with k = 3: %v", err)
	}
	if _, err := New(labelmodel.Spec{M: 4}, 1); err == nil {
		t.Error("k = 1 accepted")
	}
	if err := m.Fit(votes, Options{ClassBalance: []float64{1, 2}}); err == nil {
		t.Error("class balance of the wrong length accepted")
	}
}
