package squidbeam

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/squid-ws/squid/votesio"
)

// local reports whether p is on the local file system (no URL scheme).
func local(p string) bool { return !strings.Contains(p, "://") }

// predictOutput is where the labels of a shard go: <outDir>/<shard name
// without its extension>.proba.npy.
func predictOutput(outDir, shard string) string {
	base := strings.TrimSuffix(path.Base(shard), path.Ext(shard))
	return filepath.Join(outDir, base+".proba.npy")
}

// checkOutputs checks, before the pipeline runs, the local outputs of a
// local input glob: each output must pass votesio.CheckOutput against
// every shard (never a shard, a device, a directory or a FIFO; its
// directory exists), and no two shards may write the same output (a.npy
// and a.csv). output gives a shard's output path. Remote paths are not
// checked here: object stores write whole objects.
func checkOutputs(input string, output func(shard string) string) error {
	shards, err := localShards(input)
	if err != nil {
		return err
	}
	by := map[string]string{}
	for _, shard := range shards {
		out := output(shard)
		if !local(out) {
			continue
		}
		if other, ok := by[out]; ok && other != shard {
			return fmt.Errorf("shards %s and %s would both write %s; rename one", other, shard, out)
		}
		by[out] = shard
		if _, err := votesio.CheckOutput(out, shards...); err != nil {
			return err
		}
	}
	return nil
}

// checkModelOutput checks the model file of a fit the same way: never one
// of the (local) shards, never a non-file, in a directory that exists.
func checkModelOutput(input, output string) error {
	if !local(output) {
		return nil
	}
	shards, err := localShards(input)
	if err != nil {
		return err
	}
	_, err = votesio.CheckOutput(output, shards...)
	return err
}

// localShards lists the shards of a local input glob (none for a remote
// one).
func localShards(input string) ([]string, error) {
	if !local(input) {
		return nil, nil
	}
	shards, err := filepath.Glob(input)
	if err != nil {
		return nil, fmt.Errorf("--input %s: %w", input, err)
	}
	return shards, nil
}
