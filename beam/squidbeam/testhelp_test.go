package squidbeam

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/squid-ws/squid/votesio"
)

func init() { register.DoFn2x1[context.Context, []byte, error](&writeBytesFn{}) }

// writeBytesFn writes its single input to Path (tests read the merged
// statistics back).
type writeBytesFn struct{ Path string }

func (f *writeBytesFn) ProcessElement(_ context.Context, b []byte) error {
	return os.WriteFile(f.Path, b, 0o644)
}

// readShardLabels reads the predictions written for shard number k (of
// writeShards) into outDir and checks there are values per row for n rows.
func readShardLabels(t *testing.T, outDir string, k, n, per int) []float64 {
	t.Helper()
	name := filepath.Join(outDir, "shard-"+string(rune('a'+k))+".proba.npy")
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := votesio.ReadFloat64(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(got) != n*per {
		t.Fatalf("%s: %d values for %d rows x %d", name, len(got), n, per)
	}
	return got
}
