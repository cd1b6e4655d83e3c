package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelpShown is returned by parse after -h or --help printed a
// command's usage: run ends with it as a success (exit 0).
var errHelpShown = errors.New("help shown")

// commandHelp is the synopsis and description of each command, printed by
// "squid CMD -h" above the command's flags.
var commandHelp = map[string]string{
	"fit": `squid fit --votes L.npy -o model.json [flags]

Fits a label model on the votes (no gold labels needed) and writes it as
JSON. Ends with one summary line on standard error (rows, LFs, method,
seconds, warnings); each warning is a sentence naming the LFs concerned.`,
	"predict": `squid predict --model model.json --votes L.npy -o out.npy [flags]

Writes probabilistic labels (P(Y) per row), or with --labels hard labels
(Snorkel's LabelModel.predict: ties abstain by default).`,
	"accuracies": `squid accuracies --model model.json

Prints the fitted LF accuracies, the class balance and the fit warnings as
JSON (with the LF names the graph gave).`,
	"analyze": `squid analyze --votes L.npy [--model model.json | --graph graph.json] [--dev-labels Y.npy] [--json]

Per LF: polarity, coverage, overlaps, conflicts, the label model's estimated
accuracy and, with gold labels, the empirical accuracy. With --model the
estimate is the fitted model's; without it the rows analysed are fitted.`,
	"score": `squid score --model model.json --votes L.npy --dev-labels Y.npy [flags]

Scores the label model's hard labels and majority vote's on the same rows
against gold labels: coverage, accuracy and F1 (binary: of class +1;
k classes: macro-F1) over the rows each predictor labels, as Snorkel's
LabelModel.score does. Answers "is the label model worth it here".`,
	"demo": `squid demo [--n 20000] [--seed 1]

Fits a synthetic task and compares the label model with majority vote.`,
	"bench": `squid bench [--quick]

Times fit and predict on synthetic data of growing size.`,
	"version": `squid version (or squid --version)

Prints squid's version (the module's, or the commit it was built from),
whether it is the CUDA or the CPU-only build, and the Go toolchain and
platform.`,
}

// parse parses a command's flags. -h or --help prints the command's usage
// to stdout and returns errHelpShown; any other error is one line naming
// the command.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, fs)
		return errHelpShown
	}
	name := cmdName(fs)
	if err != nil {
		return fmt.Errorf("%s: %w (see squid %s -h)", name, err, name)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (flags come as --name value; see squid %s -h)", name, fs.Arg(0), name)
	}
	return nil
}

// printCommandHelp writes the command's synopsis and its flags.
func printCommandHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\nflags:\n", commandHelp[cmdName(fs)])
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// cmdName is the command a flag set parses: "fit" for "squid fit".
func cmdName(fs *flag.FlagSet) string { return strings.TrimPrefix(fs.Name(), "squid ") }

// flagName writes a flag as the user types it: -o, --votes.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
