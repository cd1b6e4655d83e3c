package synth

import (
	"math"
	"slices"
	"testing"
)

func TestGenerateMatchesConfig(t *testing.T) {
	lfs := []LF{{Coverage: 0.3, Accuracy: 0.9}, {Coverage: 0.8, Accuracy: 0.6}, {Coverage: 1, Accuracy: 1}}
	d, err := Generate(Config{N: 100000, LFs: lfs, PPositive: 0.3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, y := range d.Y {
		if y == 1 {
			pos++
		}
	}
	if p := float64(pos) / float64(d.N); math.Abs(p-0.3) > 0.01 {
		t.Errorf("P(Y=+1) = %.3f, want 0.3", p)
	}
	for i, lf := range lfs {
		votes, right := 0, 0
		for r := 0; r < d.N; r++ {
			if v := d.Votes[r*d.M+i]; v != 0 {
				votes++
				if v == d.Y[r] {
					right++
				}
			}
		}
		cov, acc := float64(votes)/float64(d.N), float64(right)/float64(votes)
		if math.Abs(cov-lf.Coverage) > 0.01 || math.Abs(acc-lf.Accuracy) > 0.01 {
			t.Errorf("LF %d: coverage %.3f accuracy %.3f, want %v", i, cov, acc, lf)
		}
	}
	again, _ := Generate(Config{N: 100000, LFs: lfs, PPositive: 0.3, Seed: 1})
	if !slices.Equal(again.Votes, d.Votes) {
		t.Error("same seed, different data")
	}
}

func TestSequenceStay(t *testing.T) {
	d, _ := Generate(Config{N: 50000, LFs: []LF{{Coverage: 1, Accuracy: 1, Task: 2}}, V: 3, Stay: 0.8, Seed: 2})
	same := 0
	for r := 0; r < d.N; r++ {
		if d.Y[r*3] == d.Y[r*3+1] {
			same++
		}
		if d.Votes[r] != d.Y[r*3+2] {
			t.Fatal("a perfect LF on task 2 disagrees with Y_2")
		}
	}
	if p := float64(same) / float64(d.N); math.Abs(p-0.8) > 0.01 {
		t.Errorf("P(Y_1 = Y_0) = %.3f, want 0.8", p)
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, c := range []Config{{N: 1}, {N: -1, LFs: []LF{{}}}, {N: 1, LFs: []LF{{Coverage: 2}}}, {N: 1, LFs: []LF{{Task: 1}}}} {
		if _, err := Generate(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestCopyingLF(t *testing.T) {
	lfs := []LF{{Coverage: 0.8, Accuracy: 0.7}, {Coverage: 0.5, Accuracy: 0.9, CopyFrom: 0, CopyProb: 0.6}}
	d, err := Generate(Config{N: 50000, LFs: lfs, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for r := 0; r < d.N; r++ {
		if d.Votes[2*r] == d.Votes[2*r+1] {
			same++
		}
	}
	// Copies (0.6) plus chance agreement of independent votes (0.4 x ...).
	if p := float64(same) / float64(d.N); p < 0.6 || p > 0.8 {
		t.Errorf("P(LF1 = LF0) = %.3f, want about 0.6 plus chance", p)
	}
	if _, err := Generate(Config{N: 1, LFs: []LF{{CopyFrom: 0, CopyProb: 0.5}}}); err == nil {
		t.Error("an LF copying itself was accepted")
	}
}
