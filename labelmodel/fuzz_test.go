package labelmodel

import (
	"bytes"
	"math"
	"testing"
)

// fuzzModel builds a model and options from fuzz bytes: m LFs, up to
// three LF-LF edges, every method and every option that changes the
// arithmetic (the exact options, compatibility, clamping).
func fuzzModel(mByte, mode uint8, edges []byte) (*Model, Options, error) {
	m := 3 + int(mByte%6)
	spec := Spec{M: m}
	for k := 0; k+1 < len(edges) && k < 6; k += 2 {
		a, b := int(edges[k])%m, int(edges[k+1])%m
		if a != b {
			spec.LFEdges = append(spec.LFEdges, [2]int{a, b})
		}
	}
	opts := Options{Method: []Method{TripletMean, TripletMedian, Triplet}[int(mode)%3],
		FlyingSquidCompat: mode&4 != 0, ExactSeparators: mode&8 != 0, ExactDependencies: mode&16 != 0}
	if mode&32 != 0 {
		opts.Negative = Clamp
	}
	if mode&64 != 0 {
		opts.ClassBalance = []float64{0.2, 0.8}
	}
	model, err := New(spec)
	return model, opts, err
}

// fuzzVotes maps bytes to votes, m per row.
func fuzzVotes(m int, data []byte) Votes {
	n := len(data) / m
	votes := make([]int8, n*m)
	for i := range votes {
		votes[i] = int8(data[i]%3) - 1
	}
	return Votes{N: n, M: m, Data: votes}
}

// allRows returns every vote pattern of m LFs (m <= 8), so a prediction
// check covers rows the fit never saw.
func allRows(m int) Votes {
	n := pow3(m)
	v := Votes{N: n, M: m, Data: make([]int8, n*m)}
	for idx := 0; idx < n; idx++ {
		for l, d := range base3(idx, m) {
			v.Data[idx*m+l] = int8(d - 1)
		}
	}
	return v
}

// checkFinite fails unless every probability of every vote pattern is a
// number in [0, 1] and the accuracies are numbers.
func checkFinite(t *testing.T, model *Model) {
	t.Helper()
	p, err := model.PredictProba(allRows(model.Spec().M))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range p.RawMatrix().Data {
		if math.IsNaN(x) || x < 0 || x > 1 {
			t.Fatalf("probability %v", x)
		}
	}
	acc, _ := model.AccuraciesGivenVote()
	for _, a := range acc {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			t.Fatalf("accuracy %v", a)
		}
	}
}

// FuzzFit: any small vote matrix, graph and options fit (or give an
// error) and predict probabilities without NaN on every vote pattern.
func FuzzFit(f *testing.F) {
	f.Add(uint8(5), uint8(0), []byte{}, []byte{0, 1, 2, 2, 1, 0, 1, 1, 1, 2, 0, 0, 2})
	f.Add(uint8(3), uint8(1), []byte{}, []byte{1, 1, 1})
	f.Add(uint8(4), uint8(2), []byte{0, 1}, []byte{})
	f.Add(uint8(7), uint8(5), []byte{}, []byte{2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0})
	// The NaN with exact separators (a chain 0-1-2, LF 1 never votes -1).
	f.Add(uint8(2), uint8(8), []byte{0, 1, 1, 2}, []byte{1, 2, 0, 2, 1, 2, 1, 1, 1, 1, 2, 1, 0, 0, 2, 1, 0, 2, 1, 0})
	f.Add(uint8(3), uint8(24), []byte{0, 1, 2, 3}, []byte{2, 2, 0, 1, 1, 2, 0, 2, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, mByte, mode uint8, edges, data []byte) {
		model, opts, err := fuzzModel(mByte, mode, edges)
		if err != nil {
			return
		}
		if err := model.Fit(fuzzVotes(model.Spec().M, data), opts); err != nil {
			return
		}
		checkFinite(t, model)
	})
}

// FuzzSaveLoadPredict: fit -> save -> load -> predict gives the same
// finite probabilities as the fitted model.
func FuzzSaveLoadPredict(f *testing.F) {
	f.Add(uint8(5), uint8(0), []byte{}, []byte{0, 1, 2, 2, 1, 0, 1, 1, 1, 2, 0, 0, 2})
	f.Add(uint8(2), uint8(8), []byte{0, 1, 1, 2}, []byte{1, 2, 0, 2, 1, 2, 1, 1, 1, 1, 2, 1, 0, 0, 2, 1, 0, 2, 1, 0})
	f.Add(uint8(3), uint8(16+64), []byte{0, 1}, []byte{2, 2, 0, 1, 1, 2, 0, 2, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, mByte, mode uint8, edges, data []byte) {
		model, opts, err := fuzzModel(mByte, mode, edges)
		if err != nil {
			return
		}
		if err := model.Fit(fuzzVotes(model.Spec().M, data), opts); err != nil {
			return
		}
		var buf bytes.Buffer
		if err := model.Save(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := Load(&buf)
		if err != nil {
			t.Fatalf("Load of a saved model: %v", err)
		}
		checkFinite(t, back)
		rows := allRows(model.Spec().M)
		p, _ := model.PredictProba(rows)
		q, _ := back.PredictProba(rows)
		for i, x := range p.RawMatrix().Data {
			if math.Float64bits(x) != math.Float64bits(q.RawMatrix().Data[i]) {
				t.Fatalf("loaded model predicts %v, fitted %v", q.RawMatrix().Data[i], x)
			}
		}
	})
}

// FuzzLoad: any document either is rejected or gives a model that
// predicts finite probabilities for every vote pattern.
func FuzzLoad(f *testing.F) {
	for _, mode := range []uint8{0, 8, 16 + 64} {
		model, opts, _ := fuzzModel(2, mode, []byte{0, 1, 1, 2})
		if model.Fit(fuzzVotes(5, []byte{1, 2, 0, 2, 1, 2, 1, 1, 1, 1, 2, 1, 0, 0, 2, 1, 0, 2, 1, 0, 2, 2, 2, 0, 0}), opts) == nil {
			var buf bytes.Buffer
			model.Save(&buf)
			f.Add(buf.Bytes())
		}
	}
	f.Add([]byte(`{"format": "squid-labelmodel", "version": 1, "spec": {"m": 2000}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		model, err := Load(bytes.NewReader(doc))
		if err != nil || model.Spec().M > 8 {
			return
		}
		checkFinite(t, model)
	})
}

// FuzzStatsUnmarshal: any bytes are rejected or decode to statistics that
// re-encode to the same bytes and fit without NaN.
func FuzzStatsUnmarshal(f *testing.F) {
	s := NewStats(4, []int{0, 1, 2})
	s.Add(fuzzVotes(4, []byte{2, 2, 0, 1, 0, 0, 1, 2, 2, 2, 2, 0}))
	b, _ := s.MarshalBinary()
	f.Add(b)
	b, _ = NewStats(3).MarshalBinary()
	f.Add(b)
	f.Add([]byte("SQST\x01\x80\x80\x04\x0a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Stats
		if err := s.UnmarshalBinary(data); err != nil {
			return
		}
		again, _ := s.MarshalBinary()
		var back Stats
		if err := back.UnmarshalBinary(again); err != nil || !back.Equal(&s) {
			t.Fatalf("re-encoding fails: %v", err)
		}
		if s.M() < 3 || s.M() > 8 || len(s.tables) > 0 {
			return
		}
		model, err := New(Spec{M: s.M()})
		if err != nil {
			t.Fatal(err)
		}
		if model.FitStats(&s, Options{}) == nil {
			checkFinite(t, model)
		}
	})
}
