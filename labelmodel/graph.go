package labelmodel

import (
	"sort"
	"strconv"
	"strings"
)

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

// split returns the LFs and the tasks (as task indices) of a node set.
func (g *graph) split(nodes []int) (lfs, tasks []int) {
	for _, x := range nodes {
		if g.isY(x) {
			tasks = append(tasks, x-g.m)
		} else {
			lfs = append(lfs, x)
		}
	}
	return lfs, tasks
}

func (g *graph) describe(nodes []int) string {
	names := make([]string, len(nodes))
	for k, x := range nodes {
		names[k] = g.name(x)
	}
	return "{" + strings.Join(names, ", ") + "}"
}
