package squidbeam

import (
	"context"
	"os"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() { register.DoFn2x1[context.Context, []byte, error](&writeBytesFn{}) }

// writeBytesFn writes its single input to Path (tests read the merged
// statistics back).
type writeBytesFn struct{ Path string }

func (f *writeBytesFn) ProcessElement(_ context.Context, b []byte) error {
	return os.WriteFile(f.Path, b, 0o644)
}
