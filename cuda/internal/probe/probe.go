//go:build !nocuda

// Package probe makes a CUDA build of squid that starts on a machine with
// the driver library but no usable GPU say so in one squid line, instead
// of gorgonia.org/cu's bare "Error in initialization" and NVIDIA link.
//
// gorgonia.org/cu calls cuInit in its package init and exits the process
// when it fails. Go initialises, at each step, the first package by import
// path whose imports are all initialised; this package imports only the
// standard library and its path sorts before gorgonia.org/cu, so its init
// runs first. It calls cuInit itself (initialising twice is harmless) and,
// when that fails, exits with status 1 and a line naming the build tag
// that gives the CPU-only build. A machine without libcuda.so.1 at all
// cannot get this far: the dynamic loader refuses to start the program.
package probe

// #cgo LDFLAGS: -lcuda
// #include <cuda.h>
import "C"

import (
	"fmt"
	"os"
)

func init() {
	r := C.cuInit(0)
	if r == C.CUDA_SUCCESS {
		return
	}
	name := fmt.Sprintf("error %d", int(r))
	var s *C.char
	if C.cuGetErrorName(r, &s) == C.CUDA_SUCCESS && s != nil {
		name = C.GoString(s)
	}
	fmt.Fprintf(os.Stderr, "squid: this is the CUDA build of squid and the CUDA driver has no usable GPU here (cuInit: %s); build with -tags nocuda for the CPU-only build\n", name)
	os.Exit(1)
}
