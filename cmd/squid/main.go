// Command squid fits FlyingSquid label models on labeling-function votes
// and turns votes into probabilistic labels.
//
//	squid fit --votes L.npy [--graph graph.json] [--method triplet_mean]
//	          [--class-balance 0.3,0.7] [--dev-labels Y.npy] [--no-abstain]
//	          [--compat flyingsquid] [--classes k] [--abstain -1] -o model.json
//	squid predict --model model.json --votes L.npy -o out.npy [--marginal]
//	              [--labels [--tie-policy abstain|random|negative] [--seed 1]
//	              [--abstain-label 0 | --drop-unlabeled]]
//	              [--header | --no-header] (-o - writes CSV to standard output)
//	squid score --model model.json --votes L.npy --dev-labels Y.npy [--json]
//	squid accuracies --model model.json
//	squid analyze --votes L.npy [--model model.json] [--dev-labels Y.npy] [--json]
//	squid demo [--n 20000] [--seed 1]
//	squid bench [--quick]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `squid: weak supervision with FlyingSquid's triplet method

usage: squid <command> [flags]    (squid <command> -h for its flags)

commands:
  fit         fit a label model on LF votes:   squid fit --votes L.npy -o model.json
  predict     probabilistic or hard labels:    squid predict --model model.json --votes L.npy -o p.npy [--labels]
  score       label model vs majority vote on gold labels:
                                               squid score --model model.json --votes L.npy --dev-labels Y.npy
  accuracies  the fitted LF accuracies (JSON): squid accuracies --model model.json
  analyze     per-LF coverage, overlaps, conflicts, accuracies:
                                               squid analyze --votes L.npy [--model model.json] [--dev-labels Y.npy]
  demo        a synthetic task end to end:     squid demo
  bench       timings on synthetic data:       squid bench [--quick]
  version     this binary's version and build: squid version (or --version)

Votes and labels are .npy or .csv files, read in chunks (--chunk rows);
--abstain -1 reads Snorkel's convention (0/1 votes, -1 abstains), --classes k
fits a k-class model on class votes 0..k-1 (-1 abstains). The model file
remembers the convention of its fit: predict, score and analyze --model read
votes that way, and an --abstain that disagrees is an error. Gold labels never
abstain (0 is not a FlyingSquid label). A CSV file's first line is a header
when none of its fields is a number (--header / --no-header decide instead);
any other field that is not a vote is an error naming its line and column.
A graph file (fit --graph) may name the LFs ("lf_names"); the names travel
into the model, its warnings, accuracies, analyze and score.

--votes - (or --dev-labels -) reads standard input, .npy or CSV, once:
  python make_votes.py | squid fit --votes - -o model.json

Outputs: -o - writes to standard output (fit: JSON; predict: CSV). A file
is replaced only when the command succeeds; an output that is one of the
inputs, an existing non-regular file (device, directory, FIFO) or in a
missing directory is refused before anything is read. On SIGINT or SIGTERM
the command stops and removes its temporary file.
`

func main() {
	// SIGINT and SIGTERM cancel ctx: the command stops at the next chunk
	// and removes its temporary output; a second signal kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "squid:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("unknown command (see squid --help)")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || (args[0] == "help" && len(args) == 1) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if args[0] == "version" || args[0] == "--version" || args[0] == "-version" {
		cmdVersion(stdout)
		return nil
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"fit": cmdFit, "predict": cmdPredict, "score": cmdScore, "accuracies": cmdAccuracies, "analyze": cmdAnalyze, "demo": cmdDemo, "bench": cmdBench,
	}
	if args[0] == "help" { // squid help CMD is squid CMD -h
		args = []string{args[1], "-h"}
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("%q: %w", args[0], errUsage)
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}
