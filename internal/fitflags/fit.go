package fitflags

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
	"github.com/squid-ws/squid/votesio"
)

// Fit are the flags that say how to fit: --method, --class-balance,
// --dev-labels, --no-abstain, --compat, --exact-separators and
// --exact-dependencies.
type Fit struct {
	Method            string
	ClassBalance      string
	DevLabels         string
	NoAbstain         bool
	Compat            string
	ExactSeparators   bool
	ExactDependencies bool
}

// Register defines the fit flags on fs.
func (f *Fit) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Method, "method", "triplet_mean", "solve method: triplet_mean, triplet_median or triplet")
	fs.StringVar(&f.ClassBalance, "class-balance", "", "class balance: P(Y) over the 2^v patterns (binary) or the k classes, comma-separated; one that does not sum to 1 is normalised, with a warning")
	fs.StringVar(&f.DevLabels, "dev-labels", "", "gold dev labels (.npy or .csv) to estimate the class balance")
	fs.BoolVar(&f.NoAbstain, "no-abstain", false, "LFs never abstain (votes are -1/+1 only)")
	fs.StringVar(&f.Compat, "compat", "", `"flyingsquid" reproduces the original where it is wrong`)
	fs.BoolVar(&f.ExactSeparators, "exact-separators", false, "exact junction-tree factorisation (FlyingSquid counts a non-uniform class balance twice)")
	fs.BoolVar(&f.ExactDependencies, "exact-dependencies", false, "estimate cliques of dependent LFs directly (FlyingSquid's system mixes in a conditional probability)")
}

// Options checks the flags that need no file (--compat, --class-balance
// against --dev-labels) and returns the options of a binary fit without
// the dev labels (ReadDevLabels adds them); a multiclass fit takes the
// method, class balance and dev labels from them (see Fitter).
func (f Fit) Options() (labelmodel.Options, error) {
	if f.Compat != "" && f.Compat != "flyingsquid" {
		return labelmodel.Options{}, fmt.Errorf("--compat %q: the only compatibility mode is flyingsquid", f.Compat)
	}
	if f.ClassBalance != "" && f.DevLabels != "" {
		return labelmodel.Options{}, errors.New("give --class-balance or --dev-labels, not both")
	}
	o := labelmodel.Options{Method: labelmodel.Method(f.Method), FlyingSquidCompat: f.Compat != "", ExactSeparators: f.ExactSeparators, ExactDependencies: f.ExactDependencies}
	if f.ClassBalance != "" {
		var err error
		if o.ClassBalance, err = parseFloats(f.ClassBalance); err != nil {
			return labelmodel.Options{}, err
		}
	}
	return o, nil
}

// ReadDevLabels reads --dev-labels (if given) into o: tasks columns of
// gold labels in the convention of the votes.
func (f Fit) ReadDevLabels(o *labelmodel.Options, conv votesio.Convention, tasks int) error {
	if f.DevLabels == "" {
		return nil
	}
	y, err := ReadGold(f.DevLabels, conv, tasks)
	if err != nil {
		return err
	}
	o.DevLabels = y.Data
	return nil
}

// multiclassOptions returns the options of a k-class fit; the
// compatibility and exact options apply to binary models only.
func multiclassOptions(o labelmodel.Options) (multiclass.Options, error) {
	if o.FlyingSquidCompat || o.ExactSeparators || o.ExactDependencies {
		return multiclass.Options{}, errors.New("--compat, --exact-separators and --exact-dependencies apply to binary models only")
	}
	return multiclass.Options{Method: o.Method, ClassBalance: o.ClassBalance, DevLabels: o.DevLabels}, nil
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
