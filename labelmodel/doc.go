// Package labelmodel is squid's FlyingSquid label model: from the votes of
// labeling functions (LFs) alone, it estimates how accurate each LF is with
// the closed-form triplet method of moments and turns votes into
// probabilistic or hard labels.
//
// Votes are int8, n rows x m LFs, row-major: +1 or -1, 0 to abstain. The
// pipeline, one call per arrow:
//
//	Spec{M: m, LFNames: ...}           the graph: LFs, tasks, dependencies
//	  -> New(spec)                     junction tree, the triplets it needs
//	  -> Stats.Add(votes) per chunk    agreement counts (Merge across
//	                                   goroutines, processes or machines)
//	  -> FitStats(stats, Options{})    triplet solve: LF accuracies, clique
//	                                   marginals (Fit does Add + FitStats)
//	  -> PredictProba / PredictProbaMarginal   P(Y | votes) per row (the
//	                                   ...Into forms fill caller buffers)
//	  -> PredictLabels(votes, labeler) hard labels, ties as Snorkel's
//	                                   tie_break_policy (TieAbstain default)
//	  -> Score(labels, gold, 2)        accuracy, coverage, F1, beside
//	                                   MajorityVote, the baseline
//	  -> Save / Load                   a versioned JSON model file
//
// AccuraciesGivenVote and Warnings say what the fit learnt about each LF;
// warnings are sentences naming the LFs (by name when the Spec names them).
// A Spec with V > 1 tasks models sequences (one Y per frame, LFs attached to
// frames); package multiclass builds k-class models from binary ones,
// package analysis summarises LFs, and package votesio streams .npy and CSV
// files into Stats.
//
// With default options every output matches the original FlyingSquid to
// 1e-9; where the original is wrong the default is right and
// Options.FlyingSquidCompat reproduces it (see docs/flyingsquid.md).
package labelmodel

// Where each step lives, for a reader of the source:
//
//	spec.go          Spec and its validation
//	graph.go         the Markov network and task separation
//	junction.go      triangulation, junction tree, solvability checks
//	model.go         Model, New, the fit plan, read-only getters
//	stats.go         Stats: counting votes (statscodec.go: binary encoding)
//	options.go       Options, Method, Negative (classbalance.go: P(Y))
//	triplets.go      the triplet step: moments -> expectations
//	expectation.go   expectations, estimated cliques, their equations
//	system.go        each clique's linear system, factorised once
//	fit.go           Fit, FitStats: expectations -> clique marginals
//	predict.go       marginals -> log tables -> P(Y | votes)
//	labels.go        hard labels and tie-breaking
//	persist.go       Save and Load
//	backend.go       the Backend interface the cpu and cuda kernels fill
