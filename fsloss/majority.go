package fsloss

import (
	"fmt"

	"gorgonia.org/tensor"
)

// MajorityVoteLoss is the baseline: the label of a task is 1 when the votes
// of its LFs sum to more than 0, else 0, scored with BCE-with-logits.
type MajorityVoteLoss struct {
	// M is the number of LFs.
	M int
	// TaskOf gives the task of each LF for sequences (v > 1); nil puts
	// every LF on one task.
	TaskOf []int
	// PosWeight weights the positive class (0 means 1).
	PosWeight float64
}

// Forward scores logits (batch x v) against the majority vote of
// weakLabels (batch x M).
func (mv MajorityVoteLoss) Forward(logits, weakLabels *tensor.Dense) (Result, error) {
	v, edges, err := mv.tasks()
	if err != nil {
		return Result{}, err
	}
	x, batch, err := readLogits(logits, v)
	if err != nil {
		return Result{}, err
	}
	labels, err := mv.labels(weakLabels, batch, v, edges)
	if err != nil {
		return Result{}, err
	}
	pw := mv.PosWeight
	if pw == 0 {
		pw = 1
	}
	return score(logits, x, labels, batch, v, pw), nil
}

// Labels returns the majority-vote labels of weakLabels (batch x M) as a
// batch x v float64 tensor of 0s and 1s, for trainers that compute the
// loss themselves (see Loss.Labels).
func (mv MajorityVoteLoss) Labels(weakLabels *tensor.Dense) (*tensor.Dense, error) {
	v, edges, err := mv.tasks()
	if err != nil {
		return nil, err
	}
	if weakLabels == nil || len(weakLabels.Shape()) != 2 {
		return nil, fmt.Errorf("fsloss: weak labels must be (batch, %d)", mv.M)
	}
	batch := weakLabels.Shape()[0]
	labels, err := mv.labels(weakLabels, batch, v, edges)
	if err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(batch, v), tensor.WithBacking(labels)), nil
}

// tasks checks TaskOf and returns the number of tasks and the LF-task edges.
func (mv MajorityVoteLoss) tasks() (int, [][2]int, error) {
	v := 1
	for i, t := range mv.TaskOf {
		if t < 0 {
			return 0, nil, fmt.Errorf("fsloss: TaskOf[%d] = %d is negative", i, t)
		}
		v = max(v, t+1)
	}
	if mv.TaskOf != nil && len(mv.TaskOf) != mv.M {
		return 0, nil, fmt.Errorf("fsloss: TaskOf has %d entries, want M = %d", len(mv.TaskOf), mv.M)
	}
	edges := make([][2]int, mv.M)
	for i := range edges {
		edges[i] = [2]int{i, 0}
		if mv.TaskOf != nil {
			edges[i][1] = mv.TaskOf[i]
		}
	}
	return v, edges, nil
}

// labels reads batch rows of votes and returns their majority votes.
func (mv MajorityVoteLoss) labels(weakLabels *tensor.Dense, batch, v int, edges [][2]int) ([]float64, error) {
	votes, err := readVotes(weakLabels, batch, mv.M, true)
	if err != nil {
		return nil, err
	}
	labels := make([]float64, batch*v)
	sums := make([]int, v)
	for r := 0; r < batch; r++ {
		voteSums(sums, votes[r*mv.M:(r+1)*mv.M], edges)
		for t, s := range sums {
			if s > 0 {
				labels[r*v+t] = 1
			}
		}
	}
	return labels, nil
}
