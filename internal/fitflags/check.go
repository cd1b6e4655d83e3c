package fitflags

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/squid-ws/squid/labelmodel"
)

// Check checks the fit options o (from Options and ReadDevLabels) against
// the fitter before any vote is read, so that a bad flag fails at once
// rather than after the votes were streamed; errors name the flag. It
// returns a warning when --class-balance does not sum to 1: the fit
// normalises it (as FlyingSquid does), and the warning says to what.
func (f Fit) Check(fit *Fitter, o labelmodel.Options) (warning string, err error) {
	if err := fit.Check(labelmodel.Options{Method: o.Method}); err != nil {
		return "", fmt.Errorf("--method %q: %w", f.Method, err)
	}
	if o.ClassBalance != nil {
		if err := fit.Check(labelmodel.Options{Method: o.Method, ClassBalance: o.ClassBalance}); err != nil {
			return "", fmt.Errorf("--class-balance %s: %w", f.ClassBalance, err)
		}
	}
	if err := fit.Check(o); err != nil {
		return "", err
	}
	var sum float64
	for _, p := range o.ClassBalance {
		sum += p
	}
	if o.ClassBalance == nil || math.Abs(sum-1) <= 1e-9 {
		return "", nil
	}
	norm, err := labelmodel.NormalizeClassBalance(o.ClassBalance, len(o.ClassBalance), "its length")
	if err != nil {
		return "", fmt.Errorf("--class-balance %s: %w", f.ClassBalance, err)
	}
	s := make([]string, len(norm))
	for i, p := range norm {
		s[i] = strconv.FormatFloat(p, 'g', 6, 64)
	}
	return fmt.Sprintf("--class-balance %s sums to %g, not 1: normalised to %s", f.ClassBalance, sum, strings.Join(s, ",")), nil
}

// SpecError names the file a graph error comes from: the graph file, or,
// without one, the votes file whose columns made the default graph.
func SpecError(graphPath, votesPath string, err error) error {
	if graphPath != "" {
		return fmt.Errorf("%s: %w", graphPath, err)
	}
	return fmt.Errorf("%s: the votes' columns as LFs: %w", votesPath, err)
}
