package labelmodel

import (
	"sort"
	"strconv"
)

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
		return specError("number of tasks v = %d is out of range [1, 20]", s.V)
	}
	if err := s.checkNames(); err != nil {
		return err
	}
	v := s.Tasks()
	check := func(kind string, edges [][2]int, na, nb int, la, lb string) error {
		for k, e := range edges {
			if e[0] < 0 || e[0] >= na || e[1] < 0 || e[1] >= nb {
				return specError("%s[%d] = (%d, %d): %s index must be in [0, %d) and %s index in [0, %d)", kind, k, e[0], e[1], la, na, lb, nb)
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

// graph is the Markov network of a Spec: nodes 0..m-1 are the LFs and
// m..m+v-1 the tasks.
type graph struct {
	m, v int
	adj  []map[int]bool
	// taskOf[i] is the first task LF i is attached to (used for accuracies).
	taskOf []int
}

func newGraph(s Spec) *graph {
	v := s.Tasks()
	g := &graph{m: s.M, v: v, adj: make([]map[int]bool, s.M+v), taskOf: make([]int, s.M)}
	for i := range g.adj {
		g.adj[i] = map[int]bool{}
	}
	for i := range g.taskOf {
		g.taskOf[i] = -1
	}
	link := func(a, b int) {
		g.adj[a][b] = true
		g.adj[b][a] = true
	}
	for _, e := range s.TaskEdges {
		link(s.M+e[0], s.M+e[1])
	}
	for _, e := range s.lfTaskEdges() {
		link(e[0], s.M+e[1])
		if g.taskOf[e[0]] < 0 {
			g.taskOf[e[0]] = e[1]
		}
	}
	for _, e := range s.LFEdges {
		link(e[0], e[1])
	}
	return g
}

func (g *graph) isY(node int) bool { return node >= g.m }

// name is FlyingSquid's name of a node; its string order decides the order
// in which the reference visits nodes ("lambda_10" sorts before "lambda_2").
func (g *graph) name(node int) string {
	if g.isY(node) {
		return "Y_" + strconv.Itoa(node-g.m)
	}
	return "lambda_" + strconv.Itoa(node)
}

// sortedNodes returns all nodes sorted by name.
func (g *graph) sortedNodes() []int {
	nodes := make([]int, g.m+g.v)
	for i := range nodes {
		nodes[i] = i
	}
	sort.Slice(nodes, func(a, b int) bool { return g.name(nodes[a]) < g.name(nodes[b]) })
	return nodes
}

// separation answers "does task node y separate node sets A and B in the
// graph?" from the connected components of the graph without y.
type separation struct {
	comp [][]int // comp[t][node] = component id in the graph minus Y_t, -1 for Y_t
}

func newSeparation(g *graph) *separation {
	s := &separation{comp: make([][]int, g.v)}
	for t := 0; t < g.v; t++ {
		y := g.m + t
		c := make([]int, len(g.adj))
		for i := range c {
			c[i] = -2
		}
		c[y] = -1
		id := 0
		for start := range c {
			if c[start] != -2 {
				continue
			}
			stack := []int{start}
			c[start] = id
			for len(stack) > 0 {
				u := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for w := range g.adj[u] {
					if c[w] == -2 {
						c[w] = id
						stack = append(stack, w)
					}
				}
			}
			id++
		}
		s.comp[t] = c
	}
	return s
}

// separated reports whether Y_t separates the LF sets a and b: they share
// no node and no path joins them without passing through Y_t.
func (s *separation) separated(a, b []int, t int) bool {
	c := s.comp[t]
	for _, x := range a {
		for _, z := range b {
			if x == z || c[x] == c[z] {
				return false
			}
		}
	}
	return true
}
