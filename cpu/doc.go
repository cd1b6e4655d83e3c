// Package cpu holds squid's pure-Go compute kernels: the sufficient
// statistics of a vote matrix (per-LF vote counts and pairwise joint counts)
// and the batched inference kernel that turns votes into probabilities.
//
// Every kernel comes twice, in the manner of hash/crc32: a plain reference
// implementation that is obviously right (the *Reference functions), and a
// fast path (bit-packed votes, popcount, goroutines) that tests hold against
// it. Votes are int8 in row-major order, n rows by m labeling functions, with
// -1 and +1 for votes and 0 for an abstention; callers validate them first.
package cpu
