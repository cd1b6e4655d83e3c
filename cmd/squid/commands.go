package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("squid "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func required(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return fmt.Errorf("%s: flag --%s is required", fs.Name(), n)
		}
	}
	return nil
}

func readSpec(path string, m int, noAbstain bool) (labelmodel.Spec, error) {
	spec := labelmodel.Spec{M: m, NoAbstentions: noAbstain}
	if path == "" {
		return spec, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return spec, err
	}
	spec, err = parseSpec(b)
	if err != nil {
		return spec, fmt.Errorf("%s: %v", path, err)
	}
	if spec.M != m {
		return spec, fmt.Errorf("%s: graph has m = %d LFs but the votes have %d columns", path, spec.M, m)
	}
	spec.NoAbstentions = spec.NoAbstentions || noAbstain
	return spec, nil
}

// parseSpec reads graph.json strictly: unknown fields are errors.
func parseSpec(b []byte) (labelmodel.Spec, error) {
	var spec labelmodel.Spec
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return spec, fmt.Errorf("bad graph file: %v", err)
	}
	return spec, nil
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("--class-balance: %q is not a number", f)
		}
		out = append(out, x)
	}
	return out, nil
}

func cmdFit(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fit", stderr)
	votesPath := fs.String("votes", "", "vote matrix L (.npy, n x m, values -1/0/+1)")
	graphPath := fs.String("graph", "", `graph file (JSON {"m","v","task_edges","lf_task_edges","lf_edges"}); default: m LFs on one task`)
	method := fs.String("method", "triplet_mean", "solve method: triplet_mean, triplet_median or triplet")
	cb := fs.String("class-balance", "", "class balance P(Y) over the 2^v patterns, comma-separated")
	dev := fs.String("dev-labels", "", "gold dev labels (.npy, n or n x v, -1/+1) to estimate the class balance")
	noAbstain := fs.Bool("no-abstain", false, "LFs never abstain (votes are -1/+1 only)")
	compat := fs.String("compat", "", `"flyingsquid" reproduces the original where it is wrong`)
	exactSep := fs.Bool("exact-separators", false, "exact junction-tree factorisation (FlyingSquid counts a non-uniform class balance twice)")
	out := fs.String("o", "", "output model file (JSON)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "votes", "o"); err != nil {
		return err
	}
	if *compat != "" && *compat != "flyingsquid" {
		return fmt.Errorf("--compat %q: the only compatibility mode is flyingsquid", *compat)
	}
	votes, err := votesio.ReadVotesFile(*votesPath)
	if err != nil {
		return err
	}
	spec, err := readSpec(*graphPath, votes.M, *noAbstain)
	if err != nil {
		return err
	}
	opts := labelmodel.Options{Method: labelmodel.Method(*method), FlyingSquidCompat: *compat != "", ExactSeparators: *exactSep}
	if *cb != "" && *dev != "" {
		return errors.New("give --class-balance or --dev-labels, not both")
	}
	if *cb != "" {
		if opts.ClassBalance, err = parseFloats(*cb); err != nil {
			return err
		}
	}
	if *dev != "" {
		y, err := votesio.ReadLabelsFile(*dev)
		if err != nil {
			return err
		}
		if y.Cols != spec.Tasks() {
			return fmt.Errorf("%s: dev labels have %d columns, the graph has v = %d tasks", *dev, y.Cols, spec.Tasks())
		}
		opts.DevLabels = y.Data
	}
	model, err := labelmodel.New(spec)
	if err != nil {
		return err
	}
	if err := model.Fit(votes, opts); err != nil {
		return fmt.Errorf("%s: %v", *votesPath, err)
	}
	for _, w := range model.Warnings() {
		fmt.Fprintln(stderr, "warning:", w)
	}
	return votesio.WriteFileAtomic(*out, model.Save)
}

func loadModel(path string) (*labelmodel.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := labelmodel.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

func cmdPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", stderr)
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit)")
	votesPath := fs.String("votes", "", "vote matrix L (.npy, n x m)")
	marginal := fs.Bool("marginal", false, "write P(Y_t = +1) per task (n x v) instead of P(Y) over the 2^v patterns")
	out := fs.String("o", "", "output .npy (float64)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "model", "votes", "o"); err != nil {
		return err
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	votes, err := votesio.ReadVotesFile(*votesPath)
	if err != nil {
		return err
	}
	p, err := model.PredictProba(votes)
	if *marginal {
		p, err = model.PredictProbaMarginal(votes)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", *votesPath, err)
	}
	return votesio.WriteFileAtomic(*out, func(w io.Writer) error { return npyio.Write(w, p) })
}

func cmdAccuracies(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("accuracies", stderr)
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "model"); err != nil {
		return err
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	joint, _ := model.EstimatedAccuracies()
	given, _ := model.AccuraciesGivenVote()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Accuracies          []float64 `json:"accuracies"`
		AccuraciesGivenVote []float64 `json:"accuracies_given_vote"`
		ClassBalance        []float64 `json:"class_balance"`
		Warnings            []string  `json:"warnings"`
	}{joint, given, model.ClassBalance(), append([]string{}, model.Warnings()...)})
}
