package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/synth"
)

// --predict reads the votes in the convention the model's fit recorded;
// an --abstain that disagrees is an error, as in squid predict.
func TestPredictUsesTheModelsConvention(t *testing.T) {
	d, err := synth.Generate(synth.Config{N: 300, LFs: synth.Spread(4, 0.6, 0.9, 0.5, 0.9), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := labelmodel.New(labelmodel.Spec{M: 4})
	if err := m.Fit(labelmodel.Votes{N: d.N, M: d.M, Data: d.Votes}, labelmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	m.SetVoteAbstain(-1)
	var b bytes.Buffer
	m.Save(&b)
	o := &options{model: "model.json"}
	o.in.Classes, o.in.Chunk = 2, 1<<20
	conv, err := modelConvention(o, b.Bytes())
	if err != nil || conv.Abstain != -1 {
		t.Errorf("without --abstain: %+v, %v; want the model's -1", conv, err)
	}
	o.in.Abstain, o.in.AbstainGiven = 0, true
	if _, err := modelConvention(o, b.Bytes()); err == nil || !strings.Contains(err.Error(), "--abstain 0: the model model.json was fitted on votes where -1 means abstain") {
		t.Errorf("with a conflicting --abstain 0: %v", err)
	}
}
