package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
)

// squid version and --version print one line naming the build (CUDA or
// CPU-only) and the toolchain; there was no way to tell builds apart.
func TestVersion(t *testing.T) {
	build := "cpu-only (nocuda) build"
	if cudaBuild {
		build = "cuda build"
	}
	for _, arg := range []string{"version", "--version", "-version"} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{arg}, &out, &errb); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		line := out.String()
		if !strings.HasPrefix(line, "squid ") || !strings.Contains(line, build) || !strings.Contains(line, runtime.Version()) || strings.Count(line, "\n") != 1 || errb.Len() > 0 {
			t.Errorf("squid %s printed %q (stderr %q)", arg, line, errb.String())
		}
	}
}
