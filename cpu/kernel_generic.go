//go:build !amd64 || purego

package cpu

// archKernels returns no vector kernels: this build has only the portable
// loop (another architecture, or the purego build tag).
func archKernels() []Kernel { return nil }
