package kernels

import (
	"strings"
	"testing"
)

// The embedded PTX is current and holds every kernel the driver launches.
func TestPTXHasEveryKernel(t *testing.T) {
	for _, name := range []string{Pack, PairCounts, TripletMean, TripletMedian, FusedBCEF64, FusedBCEF32, BCEF64, BCEF32, PosteriorLogOdd} {
		if !strings.Contains(PTX, ".entry "+name+"(") {
			t.Errorf("PTX lacks kernel %s: run go generate ./kernels", name)
		}
	}
	if !strings.Contains(PTX, ".target sm_90") {
		t.Error("PTX does not target sm_90")
	}
}
