package fitflags

import (
	"errors"
	"fmt"
	"os"

	"github.com/squid-ws/squid/internal/strictjson"
	"github.com/squid-ws/squid/labelmodel"
)

// ReadSpec returns the graph of a fit on votes of m columns: the graph
// file at path (which must have m LFs), or m LFs on one task when path is
// empty. noAbstain (--no-abstain) adds to the file's no_abstentions.
func ReadSpec(path string, m int, noAbstain bool) (labelmodel.Spec, error) {
	spec := labelmodel.Spec{M: m, NoAbstentions: noAbstain}
	if path == "" {
		return spec, nil
	}
	spec, err := ReadSpecFile(path)
	if err != nil {
		return spec, err
	}
	if spec.M != m {
		return spec, fmt.Errorf("%s: graph has m = %d LFs but the votes have %d columns", path, spec.M, m)
	}
	spec.NoAbstentions = spec.NoAbstentions || noAbstain
	return spec, nil
}

// ReadSpecFile reads a graph file strictly (see ParseSpec); errors name
// the file.
func ReadSpecFile(path string) (labelmodel.Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return labelmodel.Spec{}, err
	}
	spec, err := ParseSpec(b)
	if err != nil {
		return spec, fmt.Errorf("%s: %w", path, err)
	}
	return spec, nil
}

// ParseSpec reads graph.json strictly: unknown fields, a key given twice
// and data after the graph object are errors.
func ParseSpec(b []byte) (labelmodel.Spec, error) {
	var spec labelmodel.Spec
	if err := strictjson.Decode(b, &spec); errors.Is(err, strictjson.ErrTrailingData) {
		return spec, errors.New("bad graph file: data after the graph object")
	} else if err != nil {
		return spec, fmt.Errorf("bad graph file: %w", err)
	}
	return spec, nil
}
