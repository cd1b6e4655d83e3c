package fitflags

import (
	"bytes"
	"strings"
	"testing"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// Statistics counted in two parts, encoded and merged, fit the same model
// as statistics counted at once, for binary and multiclass fitters.
func TestMergedStatsFitTheSameModel(t *testing.T) {
	d, err := synth.Generate(synth.Config{N: 900, LFs: synth.Spread(5, 0.6, 0.9, 0.4, 0.9), Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	multi := make([]int8, len(d.Votes)) // classes 0..2, -1 abstains
	for i, v := range d.Votes {
		multi[i] = [3]int8{0, -1, 1}[v+1] + int8(i%5/4)
	}
	for _, tc := range []struct {
		classes int
		votes   []int8
	}{{2, d.Votes}, {3, multi}} {
		spec := labelmodel.Spec{M: 5}
		whole, _ := NewFitter(spec, tc.classes)
		a, _ := NewFitter(spec, tc.classes)
		b, _ := NewFitter(spec, tc.classes)
		if err := whole.Add(tc.votes, 900, 5); err != nil {
			t.Fatal(err)
		}
		a.Add(tc.votes[:300*5], 300, 5)
		b.Add(tc.votes[300*5:], 600, 5)
		ea, _ := a.MarshalStats()
		eb, _ := b.MarshalStats()
		merged, err := MergeStats(ea, eb)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := NewFitter(spec, tc.classes)
		if err := got.UnmarshalStats(merged); err != nil {
			t.Fatal(err)
		}
		var wj, gj bytes.Buffer
		opts := labelmodel.Options{Method: labelmodel.TripletMedian}
		if err := whole.Fit(opts); err != nil {
			t.Fatal(err)
		}
		if err := got.Fit(opts); err != nil {
			t.Fatal(err)
		}
		whole.Save(&wj)
		got.Save(&gj)
		if wj.String() != gj.String() {
			t.Fatalf("classes %d: merged fit differs:\n%s\n%s", tc.classes, gj.String(), wj.String())
		}
	}
}

// Corrupt or mismatched encodings are errors, not panics.
func TestBadStatsEncoding(t *testing.T) {
	f, _ := NewFitter(labelmodel.Spec{M: 4}, 3)
	enc, _ := f.MarshalStats()
	for _, bad := range [][]byte{{}, {200}, enc[:len(enc)-1], append(append([]byte{}, enc...), 0)} {
		if _, err := MergeStats(bad, enc); err == nil {
			t.Errorf("MergeStats(%v) accepted", bad)
		}
	}
	g, _ := NewFitter(labelmodel.Spec{M: 4}, 2)
	if err := g.UnmarshalStats(enc); err == nil || !strings.Contains(err.Error(), "3 encoded statistics") {
		t.Errorf("binary fitter took 3-class statistics: %v", err)
	}
}

// The flag checks: one compatibility mode, class balance or dev labels.
func TestFitOptionsChecks(t *testing.T) {
	for _, tc := range []struct {
		f    Fit
		want string
	}{
		{Fit{Compat: "snorkel"}, `--compat "snorkel"`},
		{Fit{ClassBalance: "0.5,0.5", DevLabels: "y.npy"}, "not both"},
		{Fit{ClassBalance: "0.5,x"}, `"x" is not a number`},
	} {
		if _, err := tc.f.Options(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.f, err, tc.want)
		}
	}
	f, _ := NewFitter(labelmodel.Spec{M: 4}, 3)
	if err := f.Check(labelmodel.Options{ExactSeparators: true}); err == nil || !strings.Contains(err.Error(), "binary models only") {
		t.Errorf("multiclass with --exact-separators: %v", err)
	}
	if err := f.Check(labelmodel.Options{Method: "nope"}); err == nil {
		t.Error("unknown method accepted")
	}
}
