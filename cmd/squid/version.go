package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// cmdVersion prints what this binary is: squid's version (the module's,
// or the commit it was built from), whether it is the CUDA or the
// CPU-only build, and the Go toolchain and platform.
func cmdVersion(w io.Writer) {
	fmt.Fprintln(w, versionLine())
}

// versionLine is the line squid version prints.
func versionLine() string {
	version, build := "unknown", "cpu-only (nocuda)"
	if cudaBuild {
		build = "cuda"
	}
	info, ok := debug.ReadBuildInfo()
	if ok {
		version = info.Main.Version
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(12, len(s.Value))]
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", modified"
				}
			}
		}
		if rev != "" && !strings.Contains(version, rev) {
			version += " (" + rev + modified + ")"
		}
	}
	return fmt.Sprintf("squid %s, %s build, %s %s/%s", version, build, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
