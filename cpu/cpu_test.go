package cpu

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randomVotes(r *rand.Rand, n, m int, pAbstain float64) []int8 {
	v := make([]int8, n*m)
	for k := range v {
		switch x := r.Float64(); {
		case x < pAbstain:
		case x < pAbstain+(1-pAbstain)/2:
			v[k] = 1
		default:
			v[k] = -1
		}
	}
	return v
}

func TestCountMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range []struct{ n, m int }{{0, 3}, {1, 3}, {63, 5}, {64, 5}, {65, 2}, {4095, 7}, {4097, 3}, {20000, 17}, {9000, 1}} {
		votes := randomVotes(r, sz.n, sz.m, 0.3)
		want := NewCounts(sz.m)
		CountReference(want, votes, sz.m)
		got := NewCounts(sz.m)
		Count(got, votes, sz.m)
		if !slices.Equal(got.Pos, want.Pos) || !slices.Equal(got.Neg, want.Neg) || !slices.Equal(got.Pairs, want.Pairs) {
			t.Errorf("n=%d m=%d: fast counts differ from the reference", sz.n, sz.m)
		}
	}
}

func TestAddRowRemovesExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m := 6
	votes := randomVotes(r, 500, m, 0.4)
	c := NewCounts(m)
	Count(c, votes, m)
	for row := 0; row < 200; row++ {
		AddRow(c, votes[row*m:(row+1)*m], -1)
	}
	want := NewCounts(m)
	CountReference(want, votes[200*m:], m)
	if !slices.Equal(c.Pairs, want.Pairs) || !slices.Equal(c.Pos, want.Pos) {
		t.Fatal("removing rows does not give the counts of the remaining rows")
	}
}

func TestPairIndexIsDense(t *testing.T) {
	for m := 2; m < 12; m++ {
		k := 0
		for i := 0; i < m; i++ {
			for j := i + 1; j < m; j++ {
				if PairIndex(i, j, m) != k {
					t.Fatalf("PairIndex(%d,%d,%d) = %d, want %d", i, j, m, PairIndex(i, j, m), k)
				}
				k++
			}
		}
		if k != NumPairs(m) {
			t.Fatalf("NumPairs(%d) = %d, want %d", m, NumPairs(m), k)
		}
	}
}

func randomFactors(r *rand.Rand, m, k int, width int) []Factor {
	var fs []Factor
	for i := 0; i+width <= m; i += width {
		lfs := make([]int, width)
		for l := range lfs {
			lfs[l] = i + l
		}
		nv := 1
		for range lfs {
			nv *= 3
		}
		tab := make([]float64, nv*k)
		for x := range tab {
			tab[x] = math.Log(0.05 + r.Float64())
		}
		fs = append(fs, Factor{LFs: lfs, Table: tab})
	}
	return fs
}

func TestPosteriorMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct{ n, m, k, width int }{{10, 5, 2, 1}, {20000, 7, 2, 1}, {20000, 6, 2, 2}, {300, 9, 8, 1}, {9000, 4, 4, 2}} {
		votes := randomVotes(r, c.n, c.m, 0.3)
		base := make([]float64, c.k)
		for y := range base {
			base[y] = math.Log(r.Float64() + 0.1)
		}
		fs := randomFactors(r, c.m, c.k, c.width)
		got := make([]float64, c.n*c.k)
		want := make([]float64, c.n*c.k)
		Posterior(got, votes, c.m, base, fs)
		PosteriorReference(want, votes, c.m, base, fs)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%+v: entry %d = %v, reference %v", c, i, got[i], want[i])
			}
		}
	}
}

func TestPosteriorZeroRowIsUniform(t *testing.T) {
	// A factor that rules out every pattern for vote +1 on LF 0.
	inf := math.Inf(-1)
	fs := []Factor{{LFs: []int{0}, Table: []float64{0, 0, 0, 0, inf, inf}}, {LFs: []int{1}, Table: make([]float64, 6)}}
	votes := []int8{1, -1, -1, 1}
	for _, f := range []func([]float64, []int8, int, []float64, []Factor){Posterior, PosteriorReference} {
		out := make([]float64, 4)
		f(out, votes, 2, []float64{0, 0}, fs)
		if out[0] != 0.5 || out[1] != 0.5 {
			t.Errorf("all-zero row gives %v, want uniform", out[:2])
		}
		for _, x := range out {
			if math.IsNaN(x) {
				t.Fatal("NaN in posterior")
			}
		}
	}
}

// With exact moments M_ij = a_i a_j every triplet recovers a_0, and a
// separation map drops pairs in the same component.
func TestTripletCandidatesRecoverAccuracy(t *testing.T) {
	a := []float64{0.8, 0.5, -0.6, 0.3}
	m := len(a)
	pairs := make([]float64, m*m)
	for i := range a {
		for j := range a {
			pairs[i*m+j] = a[i] * a[j]
		}
	}
	cands := []int{1, 2, 3}
	me := []float64{a[0] * a[1], a[0] * a[2], a[0] * a[3]}
	vals, zeros := TripletCandidates(nil, me, cands, nil, pairs, m)
	if len(vals) != 3 || zeros != 0 {
		t.Fatalf("got %d values, %d zeros", len(vals), zeros)
	}
	for _, v := range vals {
		if math.Abs(v-0.8) > 1e-12 {
			t.Errorf("triplet value %v, want 0.8", v)
		}
	}
	comp := []int{0, 1, 1, 2} // LFs 1 and 2 are not separated
	if vals, _ = TripletCandidates(nil, me, cands, comp, pairs, m); len(vals) != 2 {
		t.Errorf("separation kept %d pairs, want 2", len(vals))
	}
	pairs[1*m+2] = 0
	if _, zeros = TripletCandidates(nil, me, cands, nil, pairs, m); zeros != 1 {
		t.Errorf("zero denominators %d, want 1", zeros)
	}
}
