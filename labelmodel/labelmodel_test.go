package labelmodel

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/synth"
)

func mustVotes(t testing.TB, d synth.Data) Votes {
	t.Helper()
	v, err := NewVotes(d.N, d.M, d.Votes)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fitSynth(t testing.TB, spec Spec, cfg synth.Config, opts Options) (*Model, synth.Data) {
	t.Helper()
	d, err := synth.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fit(mustVotes(t, d), opts); err != nil {
		t.Fatal(err)
	}
	return m, d
}

// Estimated accuracies converge to the true ones as n grows: at n = 2e5 the
// sampling error is far below the 0.02 allowed here.
func TestRecoversKnownAccuracies(t *testing.T) {
	lfs := synth.Spread(8, 0.6, 0.9, 0.4, 0.9)
	for _, method := range []Method{TripletMean, TripletMedian, Triplet} {
		m, _ := fitSynth(t, Spec{M: len(lfs)}, synth.Config{N: 200000, LFs: lfs, Seed: 11}, Options{Method: method})
		acc, _ := m.EstimatedAccuracies()
		given, _ := m.AccuraciesGivenVote()
		for i, lf := range lfs {
			if math.Abs(acc[i]-lf.JointAccuracy()) > 0.02 || math.Abs(given[i]-lf.Accuracy) > 0.02 {
				t.Errorf("%s: LF %d accuracy %.3f (given vote %.3f), true %.3f (%.3f)", method, i, acc[i], given[i], lf.JointAccuracy(), lf.Accuracy)
			}
		}
	}
}

// The error shrinks as n grows (the method of moments is consistent).
func TestRecoveryImprovesWithN(t *testing.T) {
	lfs := synth.Spread(6, 0.65, 0.85, 0.5, 0.9)
	errAt := func(n int) float64 {
		var worst float64
		for seed := uint64(0); seed < 4; seed++ {
			m, _ := fitSynth(t, Spec{M: len(lfs)}, synth.Config{N: n, LFs: lfs, Seed: seed}, Options{})
			given, _ := m.AccuraciesGivenVote()
			for i, lf := range lfs {
				worst = max(worst, math.Abs(given[i]-lf.Accuracy))
			}
		}
		return worst
	}
	small, large := errAt(2000), errAt(200000)
	if !(large < small/3) {
		t.Errorf("worst error %.4f at n=2000, %.4f at n=200000: expected a clear drop", small, large)
	}
}

// For sequences, FlyingSquid's all-pairs shortcut mixes in LFs of other
// frames and shrinks the accuracies by the frame correlation; the default
// uses only separated triplets and recovers them.
func TestSequenceDefaultFixesAllPairsBias(t *testing.T) {
	const perFrame, v = 4, 3
	var lfs []synth.LF
	spec := Spec{M: perFrame * v, V: v, TaskEdges: [][2]int{{0, 1}, {1, 2}}}
	for t := 0; t < v; t++ {
		for i := 0; i < perFrame; i++ {
			lfs = append(lfs, synth.LF{Coverage: 0.9, Accuracy: 0.7 + 0.05*float64(i), Task: t})
			spec.LFTaskEdges = append(spec.LFTaskEdges, [2]int{len(lfs) - 1, t})
		}
	}
	cfg := synth.Config{N: 100000, LFs: lfs, V: v, Stay: 0.8, Seed: 5}
	worst := func(opts Options) float64 {
		m, _ := fitSynth(t, spec, cfg, opts)
		given, _ := m.AccuraciesGivenVote()
		var w float64
		for i, lf := range lfs {
			w = max(w, math.Abs(given[i]-lf.Accuracy))
		}
		return w
	}
	fixed, compat := worst(Options{}), worst(Options{FlyingSquidCompat: true})
	if fixed > 0.02 || compat < 0.05 {
		t.Errorf("worst accuracy error: default %.4f (want <= 0.02), compat %.4f (want the reference's bias, >= 0.05)", fixed, compat)
	}
}

func TestBadInputErrors(t *testing.T) {
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"m<3", func() error { _, err := New(Spec{M: 2}); return err }, "at least 3"},
		// V = 0 means one task and is accepted, so the message must say
		// so rather than claim the range starts at 1.
		{"v too large", func() error { _, err := New(Spec{M: 3, V: 21}); return err }, "[0, 20] (0 means 1 task)"},
		{"v negative", func() error { _, err := New(Spec{M: 3, V: -1}); return err }, "v = -1 is out of range [0, 20]"},
		{"edge out of range", func() error { _, err := New(Spec{M: 4, LFEdges: [][2]int{{0, 9}}}); return err }, "lf_edges[0]"},
		{"LF on two tasks", func() error {
			_, err := New(Spec{M: 4, V: 2, TaskEdges: [][2]int{{0, 1}}, LFTaskEdges: [][2]int{{0, 0}, {0, 1}, {1, 0}, {2, 1}, {3, 0}}})
			return err
		}, "one task"},
		{"no triplet", func() error {
			_, err := New(Spec{M: 3, LFEdges: [][2]int{{0, 1}}})
			return err
		}, "no separated triplet"},
		{"LF on no task", func() error {
			_, err := New(Spec{M: 3, LFTaskEdges: [][2]int{{0, 0}, {1, 0}}})
			return err
		}, "LF 2 votes on no task"},
		{"bad vote", func() error { _, err := NewVotes(2, 3, []int8{1, 0, -1, 1, 2, 0}); return err }, "row 1, column 1 is 2"},
		{"zero rows", func() error {
			m, _ := New(Spec{M: 3})
			return m.Fit(Votes{N: 0, M: 3}, Options{})
		}, "zero rows"},
		{"abstain not allowed", func() error {
			m, _ := New(Spec{M: 3, NoAbstentions: true})
			return m.Fit(Votes{N: 1, M: 3, Data: []int8{1, 0, 1}}, Options{})
		}, "row 0, column 1 is 0"},
		{"class balance length", func() error {
			m, _ := New(Spec{M: 3})
			return m.Fit(Votes{N: 1, M: 3, Data: []int8{1, 1, 1}}, Options{ClassBalance: []float64{1}})
		}, "2^v = 2"},
		{"dev label", func() error {
			m, _ := New(Spec{M: 3})
			return m.Fit(Votes{N: 1, M: 3, Data: []int8{1, 1, 1}}, Options{DevLabels: []int8{1, 0}})
		}, "row 1, task 0 is 0"},
		{"unknown method", func() error {
			m, _ := New(Spec{M: 3})
			return m.Fit(Votes{N: 1, M: 3, Data: []int8{1, 1, 1}}, Options{Method: "sgd"})
		}, "unknown solve method"},
		{"predict unfitted", func() error {
			m, _ := New(Spec{M: 3})
			_, err := m.PredictProba(Votes{N: 1, M: 3, Data: []int8{1, 1, 1}})
			return err
		}, "not fitted"},
		{"wrong width", func() error {
			m, _ := New(Spec{M: 3})
			return m.Fit(Votes{N: 1, M: 4, Data: []int8{1, 1, 1, 1}}, Options{})
		}, "4 columns"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func noNaN(t *testing.T, what string, xs []float64) {
	t.Helper()
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s[%d] = %v", what, i, x)
		}
	}
}

// Degenerate inputs give defined numbers and diagnostics, never NaN.
func TestDegenerateInputsNeverNaN(t *testing.T) {
	cases := map[string][]int8{
		"LF never votes": {1, 1, 0, -1, -1, 0, 1, -1, 0, -1, 1, 0},
		"all abstain":    make([]int8, 12),
		"constant LF":    {1, 1, 1, 1, -1, -1, 1, 1, -1, 1, -1, 1},
		"single row":     {1, -1, 1},
		"all agree":      {1, 1, 1, -1, -1, -1, 1, 1, 1},
	}
	for name, data := range cases {
		for _, method := range []Method{TripletMean, TripletMedian, Triplet} {
			m, _ := New(Spec{M: 3})
			v := Votes{N: len(data) / 3, M: 3, Data: data}
			if err := m.Fit(v, Options{Method: method}); err != nil {
				t.Fatalf("%s/%s: %v", name, method, err)
			}
			p, err := m.PredictProba(v)
			if err != nil {
				t.Fatal(err)
			}
			noNaN(t, name+" proba", p.RawMatrix().Data)
			acc, _ := m.EstimatedAccuracies()
			noNaN(t, name+" accuracies", acc)
			given, _ := m.AccuraciesGivenVote()
			noNaN(t, name+" accuracies given vote", given)
		}
	}
	m, _ := New(Spec{M: 3})
	_ = m.Fit(Votes{N: 4, M: 3, Data: cases["LF never votes"]}, Options{})
	if w := strings.Join(m.Warnings(), "\n"); !strings.Contains(w, "LF 2 never votes") || !strings.Contains(w, "zero denominator") {
		t.Errorf("warnings %q should name the silent LF and the zero denominators", w)
	}
}

func TestStatsMergeAndSlidingWindow(t *testing.T) {
	d, _ := synth.Generate(synth.Config{N: 3000, LFs: synth.Spread(7, 0.6, 0.9, 0.3, 0.9), Seed: 3})
	m, err := New(Spec{M: 7, LFEdges: [][2]int{{0, 1}, {2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	whole := m.NewStats()
	if err := whole.Add(mustVotes(t, d)); err != nil {
		t.Fatal(err)
	}
	// Chunks of unequal sizes, merged.
	merged := m.NewStats()
	for _, cut := range [][2]int{{0, 1}, {1, 1000}, {1000, 1000}, {1000, 2999}, {2999, 3000}} {
		part := m.NewStats()
		if err := part.Add(Votes{N: cut[1] - cut[0], M: 7, Data: d.Votes[cut[0]*7 : cut[1]*7]}); err != nil {
			t.Fatal(err)
		}
		if err := merged.Merge(part); err != nil {
			t.Fatal(err)
		}
	}
	if !merged.Equal(whole) {
		t.Error("merged chunk statistics differ from the whole")
	}
	// A window of 500 rows slid over the data many times.
	win := m.NewStats()
	for r := 0; r < 3000; r++ {
		if err := win.AddRow(d.Votes[r*7 : (r+1)*7]); err != nil {
			t.Fatal(err)
		}
		if r >= 500 {
			if err := win.RemoveRow(d.Votes[(r-500)*7 : (r-499)*7]); err != nil {
				t.Fatal(err)
			}
		}
	}
	recount := m.NewStats()
	_ = recount.Add(Votes{N: 500, M: 7, Data: d.Votes[2500*7:]})
	if !win.Equal(recount) {
		t.Error("sliding-window statistics differ from a recount")
	}
	// Binary round trip, then the fit from statistics equals the fit from votes.
	b, _ := whole.MarshalBinary()
	var back Stats
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(whole) {
		t.Error("statistics change in a binary round trip")
	}
	for _, bad := range [][]byte{b[:len(b)-3], append([]byte("XXXX"), b[4:]...), append([]byte{}, append(b[:4:4], 9)...)} {
		if err := new(Stats).UnmarshalBinary(bad); err == nil {
			t.Errorf("corrupted encoding %q... accepted", bad[:5])
		}
	}
	if err := m.FitStats(&back, Options{}); err != nil {
		t.Fatal(err)
	}
	p1, _ := m.PredictProba(mustVotes(t, d))
	m2, _ := New(m.Spec())
	_ = m2.Fit(mustVotes(t, d), Options{})
	p2, _ := m2.PredictProba(mustVotes(t, d))
	if testutil.MaxAbsDiff(p1.RawMatrix().Data, p2.RawMatrix().Data) != 0 {
		t.Error("fit from statistics differs from fit from votes")
	}
	other := NewStats(7)
	if err := whole.Merge(other); err == nil {
		t.Error("merging statistics without the joint tables should fail")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	spec := Spec{M: 6, LFEdges: [][2]int{{0, 1}}}
	m, d := fitSynth(t, spec, synth.Config{N: 5000, LFs: synth.Spread(6, 0.6, 0.9, 0.5, 0.9), Seed: 9}, Options{ClassBalance: []float64{0.3, 0.7}})
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	back, err := Load(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := m.PredictProba(mustVotes(t, d))
	p2, _ := back.PredictProba(mustVotes(t, d))
	if testutil.MaxAbsDiff(p1.RawMatrix().Data, p2.RawMatrix().Data) != 0 {
		t.Error("loaded model predicts differently")
	}
	a1, _ := m.EstimatedAccuracies()
	a2, _ := back.EstimatedAccuracies()
	if testutil.MaxAbsDiff(a1, a2) != 0 {
		t.Error("loaded model has other accuracies")
	}
	for name, bad := range map[string]string{
		"future version": strings.Replace(doc, `"version": 1`, `"version": 99`, 1),
		"not a model":    `{"format": "other"}`,
		"truncated":      doc[:len(doc)/2],
		"bad balance":    strings.Replace(doc, `"class_balance": [`, `"class_balance": [7, `, 1),
	} {
		if _, err := Load(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: Load accepted it", name)
		} else if name == "future version" && !strings.Contains(err.Error(), "version 99") {
			t.Errorf("future version: error %q should name the version", err)
		}
	}
}

func TestPredictShapes(t *testing.T) {
	spec := Spec{M: 6, V: 2, TaskEdges: [][2]int{{0, 1}}, LFTaskEdges: [][2]int{{0, 0}, {1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 1}}}
	var lfs []synth.LF
	for i := 0; i < 6; i++ {
		lfs = append(lfs, synth.LF{Coverage: 0.8, Accuracy: 0.75, Task: i / 3})
	}
	m, d := fitSynth(t, spec, synth.Config{N: 2000, LFs: lfs, V: 2, Stay: 0.7, Seed: 1}, Options{})
	v := mustVotes(t, d)
	p, _ := m.PredictProba(v)
	mg, _ := m.PredictProbaMarginal(v)
	pred, _ := m.Predict(v)
	if r, c := p.Dims(); r != 2000 || c != 4 {
		t.Fatalf("PredictProba is %dx%d", r, c)
	}
	if r, c := mg.Dims(); r != 2000 || c != 2 {
		t.Fatalf("PredictProbaMarginal is %dx%d", r, c)
	}
	correct := 0
	for r := 0; r < 2000; r++ {
		// P(Y_1=+1) is the sum of the patterns (-1,+1) and (+1,+1).
		if math.Abs(mg.At(r, 1)-(p.At(r, 1)+p.At(r, 3))) > 1e-12 {
			t.Fatal("marginal disagrees with the joint")
		}
		for k := 0; k < 2; k++ {
			if pred[r][k] == d.Y[r*2+k] {
				correct++
			}
		}
	}
	if acc := float64(correct) / 4000; acc < 0.75 {
		t.Errorf("label accuracy %.3f, want >= 0.75", acc)
	}
}

// The word-at-a-time validity check agrees with the plain one on every
// byte value at every position of a word.
func TestAllValidMatchesPlainCheck(t *testing.T) {
	for _, allow := range []bool{true, false} {
		for n := 1; n <= 19; n++ {
			for pos := 0; pos < n; pos++ {
				for b := -128; b < 128; b++ {
					data := make([]int8, n)
					for k := range data {
						data[k] = 1
					}
					data[pos] = int8(b)
					want := b == 1 || b == -1 || (b == 0 && allow)
					if got := allValid(data, allow); got != want {
						t.Fatalf("allow=%v n=%d pos=%d byte=%d: allValid %v, want %v", allow, n, pos, b, got, want)
					}
				}
			}
		}
	}
}

func TestLFMarginalIsConsistent(t *testing.T) {
	lfs := synth.Spread(6, 0.6, 0.9, 0.4, 0.9)
	// Independent LFs: the LF's clique marginal is exactly the accuracy
	// estimate. (In a clique of dependent LFs FlyingSquid's system mixes a
	// conditional probability into the joint ones, and the two disagree;
	// squid keeps that for parity, see the README.)
	m, _ := fitSynth(t, Spec{M: 6}, synth.Config{N: 50000, LFs: lfs, Seed: 3}, Options{})
	acc, _ := m.EstimatedAccuracies()
	for i := range lfs {
		p, err := m.LFMarginal(i)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for v := range p {
			sum += p[v][0] + p[v][1]
		}
		// P(λ = Y) = P(+1, +1) + P(-1, -1) matches the estimated accuracy.
		if math.Abs(sum-1) > 1e-9 || math.Abs(p[2][1]+p[0][0]-acc[i]) > 1e-12 {
			t.Errorf("LF %d: marginal %v (sum %v), accuracy %v", i, p, sum, acc[i])
		}
	}
	if _, err := m.LFMarginal(9); err == nil {
		t.Error("LF 9 accepted")
	}
}

// With a copying LF, ExactDependencies gives dependent-clique marginals
// whose accuracies match the truth measured with the gold labels, where
// FlyingSquid's system (the default) does not.
func TestExactDependencies(t *testing.T) {
	lfs := synth.Spread(7, 0.65, 0.85, 0.5, 0.9)
	lfs[1].CopyFrom, lfs[1].CopyProb = 0, 0.7
	d, err := synth.Generate(synth.Config{N: 200000, LFs: lfs, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	truth := func(i int) float64 { // P(λ_i = Y | λ_i votes)
		voted, right := 0, 0
		for r := 0; r < d.N; r++ {
			if v := d.Votes[r*d.M+i]; v != 0 {
				voted++
				if v == d.Y[r] {
					right++
				}
			}
		}
		return float64(right) / float64(voted)
	}
	worst := func(opts Options) float64 {
		m, err := New(Spec{M: 7, LFEdges: [][2]int{{0, 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Fit(mustVotes(t, d), opts); err != nil {
			t.Fatal(err)
		}
		var w float64
		for _, i := range []int{0, 1} {
			p, err := m.LFMarginal(i)
			if err != nil {
				t.Fatal(err)
			}
			acc := (p[2][1] + p[0][0]) / (1 - p[1][0] - p[1][1])
			w = max(w, math.Abs(acc-truth(i)))
		}
		return w
	}
	exact, reference := worst(Options{ExactDependencies: true}), worst(Options{})
	t.Logf("worst accuracy error of the dependent LFs: exact %.4f, FlyingSquid's %.4f", exact, reference)
	if exact > 0.02 || reference < 0.05 {
		t.Errorf("worst accuracy error of the dependent LFs: exact %.4f (want <= 0.02), FlyingSquid's %.4f (want its bias, >= 0.05)", exact, reference)
	}
}

// TestPredictProbaMarginalIntoMatches checks that the Into form of the
// marginal pair and its deprecated old name give PredictProbaMarginal's
// values.
func TestPredictProbaMarginalIntoMatches(t *testing.T) {
	m, err := New(Spec{M: 3})
	if err != nil {
		t.Fatal(err)
	}
	v := Votes{N: 4, M: 3, Data: []int8{1, 1, 1, -1, -1, 1, 0, 1, -1, 1, -1, -1}}
	if err := m.Fit(v, Options{}); err != nil {
		t.Fatal(err)
	}
	want, err := m.PredictProbaMarginal(v)
	if err != nil {
		t.Fatal(err)
	}
	for name, into := range map[string]func(out, scratch []float64, v Votes) error{
		"PredictProbaMarginalInto": m.PredictProbaMarginalInto,
		"PredictMarginalInto":      m.PredictMarginalInto,
	} {
		out := make([]float64, v.N)
		if err := into(out, make([]float64, v.N*m.Classes()), v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for r, x := range out {
			if x != want.At(r, 0) {
				t.Errorf("%s row %d = %v, PredictProbaMarginal %v", name, r, x, want.At(r, 0))
			}
		}
	}
}
