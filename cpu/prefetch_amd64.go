//go:build amd64 && !purego

package cpu

// prefetchLines asks the CPU to bring the n bytes at p into its caches.
//
//go:noescape
func prefetchLines(p *int8, n int)

// prefetch asks the CPU to bring votes into its caches, so that reading
// them later does not wait on memory.
func prefetch(votes []int8) {
	if len(votes) > 0 {
		prefetchLines(&votes[0], len(votes))
	}
}
