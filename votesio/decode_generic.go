//go:build !amd64 || purego

package votesio

// useVector: no vector decoder on this platform or with the purego tag.
var useVector = false

// vectorVotes decodes nothing: the portable loop does it all.
func vectorVotes(dst []int8, raw []byte, tables *[32]byte) (int, bool) { return 0, true }
