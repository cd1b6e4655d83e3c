package kernels

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKernelsOnHostEmulator compiles squid.cu as C++ against a small CUDA
// emulator (hostemu/emu.h: threads for CUDA threads, barriers for
// __syncthreads and __ballot_sync) and checks every kernel against plain
// loops, so the kernels' logic is tested on machines without a GPU. The
// real GPU run is in package cuda's tests (scripts/device-check.sh).
func TestKernelsOnHostEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: compiles and runs the kernels on ~10k host threads")
	}
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ not found: cannot build the host emulator")
	}
	bin := filepath.Join(t.TempDir(), "emu")
	if out, err := exec.Command(gxx, "-std=c++20", "-O1", "-pthread", "-o", bin, "hostemu/main.cpp").CombinedOutput(); err != nil {
		t.Fatalf("building the emulator: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "ok") {
		t.Fatalf("kernels disagree with the reference on the host emulator: %v\n%s", err, out)
	}
}
