package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// setFlags defines squid-beam's own flags on flag.CommandLine (beside
// Beam's) and a usage that lists them first, then Beam's.
func setFlags(o *options) {
	own := flag.NewFlagSet("squid-beam", flag.ContinueOnError)
	o.register(own)
	own.VisitAll(func(f *flag.Flag) { flag.Var(f.Value, f.Name, f.Usage) })
	flag.Usage = func() { usage(flag.CommandLine.Output(), own) }
}

// usage writes squid-beam's flags, then Beam's.
func usage(w io.Writer, own *flag.FlagSet) {
	fmt.Fprint(w, `usage: squid-beam --input 'shards/*.npy' [--graph graph.json | --m M] --output model.json [flags]
       squid-beam --predict --model model.json --input 'shards/*.npy' --outdir labels/

squid-beam's flags (the fit flags are squid fit's):
`)
	own.SetOutput(w)
	own.PrintDefaults()
	fmt.Fprint(w, "\nBeam's flags (runner, endpoint, environment...):\n")
	beamFlags := flag.NewFlagSet("beam", flag.ContinueOnError)
	flag.VisitAll(func(f *flag.Flag) {
		if own.Lookup(f.Name) == nil {
			beamFlags.Var(f.Value, f.Name, f.Usage)
		}
	})
	beamFlags.SetOutput(w)
	beamFlags.PrintDefaults()
}

// quietBeam keeps Beam's logs (job state, workers, and on failure the
// whole execution plan) off the terminal: squid-beam reports the outcome
// itself. It replaces the logger beam.Init sets up, so it is called after
// it.
func quietBeam() {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// oneLine is the error to show: with verbose all of it, else its root
// cause, the last line. A pipeline's error is Beam's plan of the failed
// stage followed by "caused by:" and the DoFn's error, whose last line is
// squid's (the shard, row and column of a bad value).
func oneLine(err error, verbose bool) string {
	msg := strings.TrimSpace(err.Error())
	if verbose {
		return msg
	}
	lines := strings.Split(msg, "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
