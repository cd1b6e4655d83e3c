package main

import (
	"testing"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
)

// FuzzGraph: any graph file is rejected with an error or gives a model
// that fits and predicts without panicking.
func FuzzGraph(f *testing.F) {
	f.Add([]byte(`{"m": 5}`))
	f.Add([]byte(`{"m": 7, "lf_edges": [[0, 1]]}`))
	f.Add([]byte(`{"m": 6, "v": 2, "task_edges": [[0, 1]], "lf_task_edges": [[0,0],[1,0],[2,0],[3,1],[4,1],[5,1]]}`))
	f.Add([]byte(`{"m": 4, "lf_edges": [[0, 1], [1, 2], [2, 3]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		spec, err := fitflags.ParseSpec(b)
		if err != nil || spec.M > 12 || spec.V > 4 || len(spec.LFEdges) > 20 || len(spec.TaskEdges) > 10 || len(spec.LFTaskEdges) > 30 {
			return
		}
		m, err := labelmodel.New(spec)
		if err != nil {
			return
		}
		votes := make([]int8, 40*spec.M)
		for i := range votes {
			votes[i] = int8(i*7%3 - 1)
		}
		v := labelmodel.Votes{N: 40, M: spec.M, Data: votes}
		if spec.NoAbstentions {
			for i := range votes {
				if votes[i] == 0 {
					votes[i] = 1
				}
			}
		}
		if err := m.Fit(v, labelmodel.Options{}); err != nil {
			return
		}
		if _, err := m.PredictProba(v); err != nil {
			t.Fatalf("fitted model cannot predict its own votes: %v", err)
		}
	})
}
