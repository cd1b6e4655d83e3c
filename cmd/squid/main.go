// Command squid fits FlyingSquid label models on labeling-function votes
// and turns votes into probabilistic labels.
//
//	squid fit --votes L.npy [--graph graph.json] [--method triplet_mean]
//	          [--class-balance 0.3,0.7] [--dev-labels Y.npy] [--no-abstain]
//	          [--compat flyingsquid] [--classes k] [--abstain -1] -o model.json
//	squid predict --model model.json --votes L.npy -o out.npy [--marginal]
//	squid accuracies --model model.json
//	squid analyze --votes L.npy [--dev-labels Y.npy] [--json]
//	squid demo [--n 20000] [--seed 1]
//	squid bench [--quick]
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

const usage = `squid: weak supervision with FlyingSquid's triplet method

usage:
  squid fit --votes L.npy [--graph graph.json] [--method triplet_mean|triplet_median|triplet]
            [--class-balance 0.3,0.7 | --dev-labels Y.npy] [--no-abstain]
            [--compat flyingsquid] [--exact-separators] [--exact-dependencies] -o model.json
  squid predict --model model.json --votes L.npy -o out.npy [--marginal]
  squid accuracies --model model.json
  squid analyze --votes L.npy [--dev-labels Y.npy] [--json]

Votes and labels are .npy or .csv files, read in chunks (--chunk rows);
--abstain -1 reads Snorkel's convention (0/1 votes, -1 abstains), --classes k
fits a k-class model on class votes 0..k-1 (-1 abstains).
  squid demo [--n 20000] [--seed 1]
  squid bench [--quick]

Run "squid <command> -h" for the flags of a command.
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "squid:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("unknown command (see squid -h)")

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) error{
		"fit": cmdFit, "predict": cmdPredict, "accuracies": cmdAccuracies, "analyze": cmdAnalyze, "demo": cmdDemo, "bench": cmdBench,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("%q: %w", args[0], errUsage)
	}
	return cmd(args[1:], stdout, stderr)
}
