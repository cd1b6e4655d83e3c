package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/labelmodel"
	"gonum.org/v1/gonum/mat"
)

// predict computes and writes predictRows rows at a time whatever the
// chunk read: on a file of several such blocks, read in chunks that end
// inside a block or on its edge, the probabilities (joint and marginal)
// equal labelmodel's for every row, and hard labels that drop rows give
// the same rows and row indices as one whole chunk.
func TestPredictInBlocks(t *testing.T) {
	dir := t.TempDir()
	const m = 5
	n := 2*predictRows + 3
	rng := rand.New(rand.NewPCG(7, 8))
	votes := make([]float64, n*m)
	for i := range votes {
		if rng.IntN(4) > 0 { // a quarter of the votes abstain; some rows wholly
			votes[i] = float64(1 - 2*rng.IntN(2))
		}
	}
	path := filepath.Join(dir, "L.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npyio.Write(f, mat.NewDense(n, m, votes)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	model := filepath.Join(dir, "m.json")
	if o, err := squid(t, "fit", "--votes", path, "-o", model); err != nil {
		t.Fatal(o, err)
	}
	mf, err := os.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := labelmodel.Load(mf)
	mf.Close()
	if err != nil {
		t.Fatal(err)
	}
	v := labelmodel.Votes{N: n, M: m, Data: make([]int8, n*m)}
	for i, x := range votes {
		v.Data[i] = int8(x)
	}
	jointM, err := lm.PredictProba(v)
	if err != nil {
		t.Fatal(err)
	}
	joint := jointM.RawMatrix().Data
	var labels0 string
	for _, chunk := range []int{n, predictRows, predictRows + 1, 1000} {
		c := strconv.Itoa(chunk)
		out := filepath.Join(dir, "p.npy")
		if o, err := squid(t, "predict", "--model", model, "--votes", path, "--chunk", c, "-o", out); err != nil {
			t.Fatal(o, err)
		}
		if got := testutil.ReadFloats(t, out); len(got) != len(joint) || testutil.MaxAbsDiff(got, joint) != 0 {
			t.Errorf("--chunk %s: %d values, want %d equal to labelmodel's", c, len(got), len(joint))
		}
		if o, err := squid(t, "predict", "--marginal", "--model", model, "--votes", path, "--chunk", c, "-o", out); err != nil {
			t.Fatal(o, err)
		}
		// One task: P(Y_0 = +1) is the joint's second column.
		got := testutil.ReadFloats(t, out)
		for r := 0; r < n && len(got) == n; r++ {
			if got[r] != joint[2*r+1] {
				t.Fatalf("--marginal --chunk %s, row %d: %v, want %v", c, r, got[r], joint[2*r+1])
			}
		}
		if len(got) != n {
			t.Errorf("--marginal --chunk %s: %d rows, want %d", c, len(got), n)
		}
		csv := filepath.Join(dir, "y.csv")
		if o, err := squid(t, "predict", "--labels", "--drop-unlabeled", "--model", model, "--votes", path, "--chunk", c, "-o", csv); err != nil {
			t.Fatal(o, err)
		}
		if labels0 == "" {
			labels0 = mustRead(t, csv)
		} else if mustRead(t, csv) != labels0 {
			t.Errorf("--labels --drop-unlabeled --chunk %s: other rows than in one chunk", c)
		}
	}
}
