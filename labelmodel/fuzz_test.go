package labelmodel

import (
	"math"
	"testing"
)

// FuzzFit: any small vote matrix fits with every method (or gives an
// error) and predicts probabilities without NaN.
func FuzzFit(f *testing.F) {
	f.Add(uint8(5), uint8(0), []byte{0, 1, 2, 2, 1, 0, 1, 1, 1, 2, 0, 0, 2})
	f.Add(uint8(3), uint8(1), []byte{1, 1, 1})
	f.Add(uint8(4), uint8(2), []byte{})
	f.Add(uint8(7), uint8(5), []byte{2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, mByte, mode uint8, data []byte) {
		m := 3 + int(mByte%6)
		n := len(data) / m
		votes := make([]int8, n*m)
		for i := range votes {
			votes[i] = int8(data[i]%3) - 1
		}
		spec := Spec{M: m}
		if mode&4 != 0 {
			spec.LFEdges = [][2]int{{0, 1}}
		}
		model, err := New(spec)
		if err != nil {
			return
		}
		method := []Method{TripletMean, TripletMedian, Triplet}[int(mode)%3]
		v := Votes{N: n, M: m, Data: votes}
		if err := model.Fit(v, Options{Method: method, FlyingSquidCompat: mode&8 != 0}); err != nil {
			return
		}
		p, err := model.PredictProba(v)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		for _, x := range p.RawMatrix().Data {
			if math.IsNaN(x) || x < 0 || x > 1 {
				t.Fatalf("probability %v", x)
			}
		}
		acc, _ := model.AccuraciesGivenVote()
		for _, a := range acc {
			if math.IsNaN(a) {
				t.Fatal("NaN accuracy")
			}
		}
	})
}
