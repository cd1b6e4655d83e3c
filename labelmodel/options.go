package labelmodel

import "fmt"

// Method is how the triplet method turns LF agreements into accuracies.
type Method string

// The solve methods of FlyingSquid.
const (
	// TripletMean averages each accuracy over every valid triplet (default).
	TripletMean Method = "triplet_mean"
	// TripletMedian takes the median over every valid triplet.
	TripletMedian Method = "triplet_median"
	// Triplet uses one triplet per accuracy, chosen as FlyingSquid does.
	Triplet Method = "triplet"
)

// Negative says what to do with negative entries of an estimated marginal.
type Negative string

// Ways of repairing negative marginal entries, as in FlyingSquid.
const (
	// Flip replaces a negative entry by its absolute value (default).
	Flip Negative = "flip"
	// Clamp replaces a negative entry by 1e-8.
	Clamp Negative = "clamp"
)

// Options control a fit. The zero value fits with triplet_mean, a uniform
// class balance and flipped negative entries.
type Options struct {
	Method Method
	// ClassBalance is P(Y) over the 2^v patterns in YPatterns order; it is
	// normalised to sum 1. Nil means uniform unless DevLabels is given.
	ClassBalance []float64
	// DevLabels are gold labels (n_dev x v, row-major, -1 or +1) from which
	// the class balance is estimated when ClassBalance is nil.
	DevLabels []int8
	// Negative is the repair of negative marginal entries ("" = Flip).
	Negative Negative
	// FlyingSquidCompat reproduces the original FlyingSquid where it is
	// wrong: triplet_mean and triplet_median use every pair of LFs when
	// there are no LF dependencies, even when the tasks are linked (v > 1),
	// and separators holding LFs are left out of inference.
	FlyingSquidCompat bool
	// ExactSeparators divides each separator marginal once per junction
	// tree edge, the exact factorisation. FlyingSquid (and the default)
	// divides once less, which counts the class balance twice when it is
	// not uniform.
	ExactSeparators bool
	// ExactDependencies estimates the marginal of a clique of dependent LFs
	// directly: for every joint vote u of the clique's LFs,
	// P(u, Y=±1) = (P(u) ± D_u)/2 with D_u = E[1{u} λ_f] / E[λ_f Y]
	// averaged over the LFs f that the task separates from the clique.
	// FlyingSquid's linear system (the default, for parity) mixes a
	// conditional probability into it, so its dependent-clique marginals
	// disagree with the LFs' own accuracies.
	ExactDependencies bool
}

// check validates the options that do not depend on the model.
func (o Options) check() error {
	switch o.Method {
	case "", TripletMean, TripletMedian, Triplet:
	default:
		return fmt.Errorf("labelmodel: unknown solve method %q (want triplet, triplet_mean or triplet_median)", o.Method)
	}
	if o.Negative != "" && o.Negative != Flip && o.Negative != Clamp {
		return fmt.Errorf("labelmodel: unknown negative-marginal rule %q (want flip or clamp)", o.Negative)
	}
	return nil
}

// CheckOptions reports whether opts can fit m: a known method and
// negative rule, and a class balance of 2^v finite non-negative entries
// or dev labels of v columns of -1 or +1. FitStats makes these checks
// before anything else; a caller that keeps options for later fits (the
// online loss) checks them once, up front.
func (m *Model) CheckOptions(opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	_, err := m.classBalance(opts)
	return err
}
