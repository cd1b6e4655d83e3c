package labelmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

const goldenDir = "../testdata/golden"

type goldenCase struct {
	M            int      `json:"m"`
	V            int      `json:"v"`
	YEdges       [][2]int `json:"y_edges"`
	LambdaYEdges [][2]int `json:"lambda_y_edges"`
	LambdaEdges  [][2]int `json:"lambda_edges"`
	AllowAbst    bool     `json:"allow_abstentions"`
	Variants     map[string]struct {
		SolveMethod  string    `json:"solve_method"`
		ClassBalance []float64 `json:"class_balance"`
		YDevPassed   bool      `json:"Y_dev_passed"`
		Quirk        string    `json:"reference_quirk"`
		Accuracies   []float64 `json:"estimated_accuracies"`
		Expectations [][2]any  `json:"expectation_values"`
		ClassBalUsed []float64 `json:"class_balance_used"`
	} `json:"variants"`
}

func loadCase(t testing.TB, name string) goldenCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func loadVotes(t testing.TB, dir, file string, m int) Votes {
	d := testutil.ReadNpy[int8](t, filepath.Join(dir, file))
	v, err := NewVotes(len(d)/m, m, d)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGoldenParity holds every golden case and variant against the
// outputs of the original FlyingSquid: probabilities, marginals and
// accuracies within 1e-9, and every expectation value.
func TestGoldenParity(t *testing.T) {
	for _, name := range []string{"basics", "indep_m20", "noabstain_m6", "lfdeps_m7", "seq_v3"} {
		c := loadCase(t, name)
		dir := filepath.Join(goldenDir, name)
		train := loadVotes(t, dir, "L_train.npy", c.M)
		dev := loadVotes(t, dir, "L_dev.npy", c.M)
		ydev := testutil.ReadNpy[int8](t, filepath.Join(dir, "Y_dev.npy"))
		for vname, v := range c.Variants {
			t.Run(name+"/"+vname, func(t *testing.T) {
				model, err := New(Spec{M: c.M, V: c.V, TaskEdges: c.YEdges, LFTaskEdges: c.LambdaYEdges,
					LFEdges: c.LambdaEdges, NoAbstentions: !c.AllowAbst})
				if err != nil {
					t.Fatal(err)
				}
				opts := Options{Method: Method(v.SolveMethod), ClassBalance: v.ClassBalance}
				if v.YDevPassed {
					opts.DevLabels = ydev
				}
				if v.Quirk != "" {
					opts.FlyingSquidCompat = true
				}
				if err := model.Fit(train, opts); err != nil {
					t.Fatal(err)
				}
				if d := testutil.MaxAbsDiff(model.ClassBalance(), v.ClassBalUsed); d > 1e-12 {
					t.Errorf("class balance %v, want %v", model.ClassBalance(), v.ClassBalUsed)
				}
				if len(model.fit.estimate.members) != len(v.Expectations) {
					t.Errorf("%d expectations estimated, the reference has %d", len(model.fit.estimate.members), len(v.Expectations))
				}
				for _, ev := range v.Expectations {
					key, want := ev[0].(string), ev[1].(float64)
					got, ok := model.expectationByPyKey(key)
					if !ok {
						t.Errorf("expectation %s missing", key)
						continue
					}
					if math.Abs(got-want) > 1e-9 {
						t.Errorf("expectation %s = %.15g, want %.15g", key, got, want)
					}
				}
				if c.AllowAbst {
					acc, err := model.EstimatedAccuracies()
					if err != nil {
						t.Fatal(err)
					}
					if d := testutil.MaxAbsDiff(acc, v.Accuracies); d > 1e-9 {
						t.Errorf("accuracies differ by %g: %v want %v", d, acc, v.Accuracies)
					}
				}
				for _, set := range []struct {
					votes Votes
					file  string
				}{{dev, "proba_dev"}, {train, "proba_train"}} {
					path := filepath.Join(dir, fmt.Sprintf("expected_%s_%s.npy", vname, set.file))
					if _, err := os.Stat(path); err != nil {
						continue
					}
					want := testutil.ReadNpy[float64](t, path)
					p, err := model.PredictProba(set.votes)
					if err != nil {
						t.Fatal(err)
					}
					if d := testutil.MaxAbsDiff(p.RawMatrix().Data, want); d > 1e-9 {
						t.Errorf("%s: max abs difference %g", set.file, d)
					}
				}
				want := testutil.ReadNpy[float64](t, filepath.Join(dir, fmt.Sprintf("expected_%s_marg_dev.npy", vname)))
				mg, err := model.PredictProbaMarginal(dev)
				if err != nil {
					t.Fatal(err)
				}
				if d := testutil.MaxAbsDiff(mg.RawMatrix().Data, want); d > 1e-9 {
					t.Errorf("marginals: max abs difference %g", d)
				}
			})
		}
	}
}

// expectationByPyKey looks an estimated expectation up by FlyingSquid's
// printed key.
func (m *Model) expectationByPyKey(key string) (float64, bool) {
	for _, e := range m.fit.estimate.members {
		if strings.TrimSpace(m.g.pyString(e, m.noAbs)) == key {
			return m.fit.estimate.value[e.key()], true
		}
	}
	return 0, false
}
