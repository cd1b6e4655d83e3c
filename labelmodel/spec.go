package labelmodel

// Spec describes the label model's graph: m labeling functions (LFs)
// λ_0..λ_{m-1}, v binary tasks Y_0..Y_{v-1}, and the edges between them.
// It is also the JSON layout of a graph file (graph.json).
type Spec struct {
	M int `json:"m"` // number of labeling functions
	V int `json:"v"` // number of tasks; 0 means 1
	// TaskEdges are edges (a, b) between Y_a and Y_b.
	TaskEdges [][2]int `json:"task_edges,omitempty"`
	// LFTaskEdges are edges (i, t) between λ_i and Y_t. Empty means every
	// LF votes on Y_0.
	LFTaskEdges [][2]int `json:"lf_task_edges,omitempty"`
	// LFEdges are dependencies (i, j) between λ_i and λ_j.
	LFEdges [][2]int `json:"lf_edges,omitempty"`
	// NoAbstentions declares that LFs never abstain: votes are -1 or +1
	// only, and a 0 vote is an error.
	NoAbstentions bool `json:"no_abstentions,omitempty"`
	// LFNames optionally names the LFs (one distinct name each, in column
	// order); warnings, accuracies, analyze and score then name them.
	LFNames []string `json:"lf_names,omitempty"`
}

// Tasks returns the number of tasks (at least 1).
func (s Spec) Tasks() int { return max(s.V, 1) }

// lfTaskEdges returns the LF-task edges with the default filled in.
func (s Spec) lfTaskEdges() [][2]int {
	if len(s.LFTaskEdges) > 0 {
		return s.LFTaskEdges
	}
	e := make([][2]int, s.M)
	for i := range e {
		e[i] = [2]int{i, 0}
	}
	return e
}

// validate checks sizes and edge endpoints.
func (s Spec) validate() error {
	if s.M < 3 {
		return specError("the triplet method needs at least 3 labeling functions, got m = %d", s.M)
	}
	if s.M > MaxLFs {
		return specError("m = %d labeling functions is more than the limit of %d", s.M, MaxLFs)
	}
	if s.V < 0 || s.V > 20 {
		return specError("number of tasks v = %d is out of range [0, 20] (0 means 1 task)", s.V)
	}
	if err := s.checkNames(); err != nil {
		return err
	}
	v := s.Tasks()
	check := func(kind string, edges [][2]int, na, nb int, la, lb string) error {
		for k, e := range edges {
			for _, end := range []struct {
				i, n int
				name string
			}{{e[0], na, la}, {e[1], nb, lb}} {
				if end.i < 0 || end.i >= end.n {
					return specError("%s[%d] = (%d, %d): %s %d does not exist (%s indices are 0 to %d)", kind, k, e[0], e[1], end.name, end.i, end.name, end.n-1)
				}
			}
			if la == lb && e[0] == e[1] {
				return specError("%s[%d] = (%d, %d) joins a node to itself", kind, k, e[0], e[1])
			}
		}
		return nil
	}
	if err := check("task_edges", s.TaskEdges, v, v, "task", "task"); err != nil {
		return err
	}
	if err := check("lf_task_edges", s.LFTaskEdges, s.M, v, "LF", "task"); err != nil {
		return err
	}
	if err := check("lf_edges", s.LFEdges, s.M, s.M, "LF", "LF"); err != nil {
		return err
	}
	if err := duplicateEdge("task_edges", s.TaskEdges, true); err != nil {
		return err
	}
	if err := duplicateEdge("lf_task_edges", s.LFTaskEdges, false); err != nil {
		return err
	}
	if err := duplicateEdge("lf_edges", s.LFEdges, true); err != nil {
		return err
	}
	onTask := make([]bool, s.M)
	for _, e := range s.lfTaskEdges() {
		onTask[e[0]] = true
	}
	for i, ok := range onTask {
		if !ok {
			return specError("LF %d votes on no task: give it an lf_task_edge", i)
		}
	}
	return nil
}

// duplicateEdge reports an edge listed twice; in an undirected list
// (between two tasks or two LFs) (a, b) and (b, a) are the same edge.
// A repeated edge is most likely a typo for another one.
func duplicateEdge(kind string, edges [][2]int, undirected bool) error {
	seen := make(map[[2]int]int, len(edges))
	for k, e := range edges {
		key := e
		if undirected && key[0] > key[1] {
			key[0], key[1] = key[1], key[0]
		}
		if j, dup := seen[key]; dup {
			return specError("%s[%d] = (%d, %d) repeats %s[%d] = (%d, %d): list each edge once", kind, k, e[0], e[1], kind, j, edges[j][0], edges[j][1])
		}
		seen[key] = k
	}
	return nil
}
