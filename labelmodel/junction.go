package labelmodel

import (
	"fmt"
	"sort"
)

// junctionTree is the junction tree of the triangulated Markov network:
// its maximal cliques and, for each distinct separator, how many tree edges
// carry it.
type junctionTree struct {
	cliques    [][]int // node sets, each sorted
	separators [][]int // distinct separators, each sorted
	degree     []int   // degree[k] = number of tree edges whose separator is separators[k]
}

// triangulate returns the maximal cliques of a chordal supergraph of g,
// adding fill-in edges by greedy minimum-fill elimination (no edge is
// added when g is already chordal). Each node's clique is the node and
// its neighbours not yet eliminated; the maximal cliques of a chordal
// graph are those not contained in another (Fulkerson and Gross): a
// node's clique is contained in another exactly when it is the parent
// (the first eliminated of the later neighbours) of a node whose clique is
// one larger. This finds them in time linear in their size, where a
// general clique search (Bron-Kerbosch) took O(m^2) time and hundreds of
// MB for a thousand independent LFs.
func triangulate(g *graph) [][]int {
	n := len(g.adj)
	work := make([]map[int]bool, n)
	for i := range g.adj {
		work[i] = map[int]bool{}
		for j := range g.adj[i] {
			work[i][j] = true
		}
	}
	done := make([]bool, n)
	cliques := make([][]int, 0, n)
	for step := 0; step < n; step++ {
		best, bestFill := -1, 0
		for u := 0; u < n && (best < 0 || bestFill > 0); u++ {
			if done[u] {
				continue
			}
			// The count stops once it cannot beat the best so far, and the
			// search once a node needs no fill: the first node of least
			// fill wins either way, and a star of m LFs on one task costs
			// O(m) per step instead of O(m^2).
			if fill, ok := fillBelow(work, u, best < 0, bestFill); ok {
				best, bestFill = u, fill
			}
		}
		nb := sortedKeys(work[best])
		for a := 0; a < len(nb); a++ {
			for b := a + 1; b < len(nb); b++ {
				x, y := nb[a], nb[b]
				work[x][y], work[y][x] = true, true
			}
		}
		for _, x := range nb {
			delete(work[x], best)
		}
		done[best] = true
		cliques = append(cliques, append([]int{best}, nb...))
	}
	return maximalCliques(cliques)
}

// maximalCliques keeps the node cliques of an elimination (in elimination
// order, each the eliminated node then its later neighbours) that no other
// contains, each sorted.
func maximalCliques(cliques [][]int) [][]int {
	step := map[int]int{}
	for k, c := range cliques {
		step[c[0]] = k
	}
	contained := make([]bool, len(cliques))
	for _, c := range cliques {
		if len(c) < 2 {
			continue
		}
		parent := step[c[1]]
		for _, x := range c[2:] {
			parent = min(parent, step[x])
		}
		if len(cliques[parent]) == len(c)-1 {
			contained[parent] = true
		}
	}
	var out [][]int
	for k, c := range cliques {
		if !contained[k] {
			sort.Ints(c)
			out = append(out, c)
		}
	}
	return out
}

// fillBelow counts the fill-in edges eliminating u would add; it reports
// false as soon as the count reaches limit (unless unlimited).
func fillBelow(work []map[int]bool, u int, unlimited bool, limit int) (int, bool) {
	fill := 0
	for a := range work[u] {
		for b := range work[u] {
			if a < b && !work[a][b] {
				fill++
				if !unlimited && fill >= limit {
					return fill, false
				}
			}
		}
	}
	return fill, true
}

func sortedKeys(s map[int]bool) []int {
	k := make([]int, 0, len(s))
	for x := range s {
		k = append(k, x)
	}
	sort.Ints(k)
	return k
}

// buildJunctionTree triangulates g, finds its maximal cliques and joins them by a maximum-weight spanning tree on
// separator size, which is a junction tree for a chordal graph.
func buildJunctionTree(g *graph) *junctionTree {
	cliques := triangulate(g)
	sort.Slice(cliques, func(a, b int) bool { return lessInts(cliques[a], cliques[b]) })

	widest := 0
	for _, c := range cliques {
		widest = max(widest, len(c))
	}
	parent := make([]int, len(cliques))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	jt := &junctionTree{cliques: cliques}
	index := map[string]int{}
	// Kruskal's algorithm on separator size: the pairs of cliques by
	// decreasing overlap, ties in pair order. Scanning the pairs once per
	// overlap size visits them in that order without holding the O(c^2)
	// list of pairs, which for a thousand independent LFs took 150 MB.
	joined := 0
	for w := widest; w > 0 && joined < len(cliques)-1; w-- {
		for a := range cliques {
			for b := a + 1; b < len(cliques); b++ {
				if overlap(cliques[a], cliques[b]) != w {
					continue
				}
				ra, rb := find(a), find(b)
				if ra == rb {
					continue
				}
				parent[ra] = rb
				joined++
				jt.addSeparator(intersect(cliques[a], cliques[b]), index)
			}
		}
	}
	return jt
}

// overlap returns the size of the intersection of sorted sets a and b.
func overlap(a, b []int) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n, i, j = n+1, i+1, j+1
		}
	}
	return n
}

// addSeparator counts one tree edge carrying separator sep.
func (jt *junctionTree) addSeparator(sep []int, index map[string]int) {
	key := fmt.Sprint(sep)
	k, ok := index[key]
	if !ok {
		k = len(jt.separators)
		index[key] = k
		jt.separators = append(jt.separators, sep)
		jt.degree = append(jt.degree, 0)
	}
	jt.degree[k]++
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

func lessInts(a, b []int) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k] != b[k] {
			return a[k] < b[k]
		}
	}
	return len(a) < len(b)
}

// MaxCliqueLFs is the most LFs one junction-tree clique may hold (LFs
// joined by lf_edges, with the edges the triangulation adds). A clique of
// k LFs has a marginal of 2·3^k entries that FlyingSquid's method solves
// as a dense 2·3^k x 2·3^k linear system: k = 6 takes a fraction of a
// second and 17 MB, k = 7 ten seconds and 150 MB, k = 8 minutes and 1.4 GB.
// The limit is kept rather than a cheaper solve because that system is
// what reproduces FlyingSquid, and because 2·3^k parameters of one clique
// need far more rows than any data set has once k passes 6.
const MaxCliqueLFs = 6

// MaxLFs is the most labeling functions a model may have. Building the
// junction tree grows as m^2, the statistics take 32 bytes per LF pair
// and the triplet fit grows as m^3, so a file of a few bytes declaring
// thousands of columns would otherwise start minutes of work.
const MaxLFs = 2048

// checkSolvable rejects graphs the triplet method cannot fit: a clique
// with more than MaxCliqueLFs LFs, a clique or separator with an LF and
// two or more tasks, or an LF marginal for which
// no two other LFs are separated from it and from each other by its task.
func checkSolvable(g *graph, jt *junctionTree, sep *separation, order []int) error {
	all := append(append([][]int{}, jt.cliques...), jt.separators...)
	for _, c := range all {
		lfs, tasks := g.split(c)
		if len(lfs) > MaxCliqueLFs {
			return g.graphError(c, "clique %s holds %d LFs, more than the limit of %d (its marginal has 2·3^%d entries, estimated by a dense linear system); remove lf_edges between them", g.describe(c), len(lfs), MaxCliqueLFs, len(lfs))
		}
		if len(tasks) > 1 && len(lfs) > 0 {
			return g.graphError(c, "clique %s holds an LF and %d tasks; the triplet method can only estimate marginals with one task (remove an LF-task or task-task edge)", g.describe(c), len(tasks))
		}
	}
	for _, c := range all {
		lfs, tasks := g.split(c)
		if len(tasks) != 1 || len(lfs) == 0 {
			continue
		}
		if !hasTriplet(g, sep, lfs, tasks[0], order) {
			return g.graphError(c, "no separated triplet for marginal %s: need two other LFs that Y_%d separates from %s and from each other", g.describe(c), tasks[0], g.describe(lfs))
		}
	}
	return nil
}

func hasTriplet(g *graph, sep *separation, lfs []int, t int, order []int) bool {
	for _, a := range order {
		if g.isY(a) || !sep.separated(lfs, []int{a}, t) {
			continue
		}
		for _, b := range order {
			if !g.isY(b) && sep.separated(lfs, []int{b}, t) && sep.separated([]int{a}, []int{b}, t) {
				return true
			}
		}
	}
	return false
}
