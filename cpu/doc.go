// Package cpu holds squid's pure-Go compute kernels: the sufficient
// statistics of a vote matrix (per-LF vote counts and pairwise joint counts),
// the triplet step, and the batched inference kernel that turns votes into
// probabilities.
//
// Every kernel comes twice, in the manner of hash/crc32: a plain reference
// implementation that is obviously right (the *Reference functions), and a
// fast path (bit-packed votes, popcount, goroutines) that tests hold against
// it. Votes are int8 in row-major order, n rows by m labeling functions, with
// -1 and +1 for votes and 0 for an abstention; callers validate them first.
//
// # Contract
//
// Each exported kernel states its preconditions on shapes (m >= 1, whole
// rows, outputs sized for the inputs) and panics with a message naming the
// kernel and the mismatch when a caller breaks them, as gonum's mat does.
// Vote values are not checked: that would cost what the kernels save.
// Broken preconditions are bugs in the caller; bad data is reported as an
// error one level up, by package labelmodel.
//
// # What is API
//
// The package stays public, rather than under internal/, because it is the
// reference a labelmodel.Backend implementation (package cuda, or another
// accelerator) must reproduce and fall back to. What is exported is what
// such an implementer needs:
//
//   - the count layout and kernels: Counts, NewCounts, PairCounts,
//     PairIndex, NumPairs, Count, CountReference, AddRow;
//   - inference: Factor, CliqueIndex, Posterior, PosteriorReference, and
//     the flat log-odds table the GPU consumes (LogOdds, NewLogOdds,
//     LogOddsLen, LogOddsTable);
//   - the triplet step: TripletRequest, TripletResult, NewTripletResult,
//     TripletAggregate, AllPairs, and the rounding-exact pieces that
//     labelmodel's general triplet step shares with it (TripletValue,
//     TripletCandidates, PairwiseSum, Median), so that a backend can match
//     it to the last bit;
//   - Kernel and Kernels, one per instruction set, which package bench
//     measures one by one;
//   - ValidVotes, the vote check that callers run before the kernels.
//
// The bit packing behind Count is internal.
package cpu
