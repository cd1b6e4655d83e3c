// Package fitflags holds what the squid command line and squid-beam share
// about a fit: the flags that say how to read vote files (Input) and how
// to fit (Fit), their validation, the graph file reader, and a Fitter that
// accumulates binary or multiclass statistics, merges their encodings and
// fits. Both commands register the same flags with the same meaning and
// the same checks, so a Beam fit equals "squid fit" on the same votes.
package fitflags
