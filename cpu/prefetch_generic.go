//go:build !amd64 || purego

package cpu

// prefetch does nothing in this build: Go has no portable prefetch, and
// touching the votes would wait on memory, which is what prefetch avoids.
func prefetch(votes []int8) {}
