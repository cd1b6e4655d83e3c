package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/internal/testutil"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
	"gonum.org/v1/gonum/mat"
)

// predict computes and writes predictRows rows at a time whatever the
// chunk read: on a file of several such blocks, read in chunks that end
// inside a block or on its edge, the probabilities (joint and marginal)
// equal labelmodel's for every row, and hard labels that drop rows give
// the same rows and row indices as one whole chunk.
func TestPredictInBlocks(t *testing.T) {
	defer labelmodel.SetBackend(labelmodel.ActiveBackend()) // the CUDA build's GPU
	labelmodel.SetBackend(nil)
	dir := t.TempDir()
	const m = 5
	n := 2*predictRows + 3
	path, votes := randomVotes(t, dir, n, m)
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

// randomVotes writes an n x m float64 .npy of random votes (a quarter
// abstain; some rows wholly) into dir and returns its path and values.
func randomVotes(t *testing.T, dir string, n, m int) (string, []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	votes := make([]float64, n*m)
	for i := range votes {
		if rng.IntN(4) > 0 {
			votes[i] = float64(1 - 2*rng.IntN(2))
		}
	}
	path := filepath.Join(dir, "L.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := npyio.Write(f, mat.NewDense(n, m, votes)); err != nil {
		t.Fatal(err)
	}
	return path, votes
}

// recorder is a backend that runs the CPU's kernels and records the most
// votes one call was given.
type recorder struct {
	labelmodel.CPU
	count, posterior int
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Count(dst cpu.Counts, votes []int8, m int) {
	r.count = max(r.count, len(votes))
	r.CPU.Count(dst, votes, m)
}

func (r *recorder) Posterior(out []float64, votes []int8, m int, base []float64, factors []cpu.Factor) {
	r.posterior = max(r.posterior, len(votes))
	r.CPU.Posterior(out, votes, m, base, factors)
}

// The chunk follows the backend: on the CPU, at most cpuChunkBytes of
// votes and predictRows rows a kernel call; another backend (a GPU, which
// declines calls of fewer than 2^22 votes) gets whole chunks of --chunk
// rows in fit and in predict.
func TestChunksFollowTheBackend(t *testing.T) {
	defer labelmodel.SetBackend(labelmodel.ActiveBackend()) // the CUDA build's GPU
	labelmodel.SetBackend(nil)
	dir := t.TempDir()
	const m = 5
	n := cpuChunkBytes/m + 3*predictRows
	path, _ := randomVotes(t, dir, n, m)
	src, err := votesio.Open(path, votesio.Convention{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := chunkRows(src, 1<<20); got != cpuChunkBytes/m {
		t.Errorf("CPU backend: chunks of %d rows, want %d", got, cpuChunkBytes/m)
	}
	rec := &recorder{}
	labelmodel.SetBackend(rec)
	if got := chunkRows(src, 1<<20); got != n {
		t.Errorf("other backend: chunks of %d rows, want the file's %d", got, n)
	}
	model := filepath.Join(dir, "m.json")
	if o, err := squid(t, "fit", "--votes", path, "-o", model); err != nil {
		t.Fatal(o, err)
	}
	if o, err := squid(t, "predict", "--model", model, "--votes", path, "-o", filepath.Join(dir, "p.npy")); err != nil {
		t.Fatal(o, err)
	}
	if rec.count != n*m || rec.posterior != n*m {
		t.Errorf("other backend: calls of at most %d (Count) and %d (Posterior) votes, want the whole %d", rec.count, rec.posterior, n*m)
	}
}
