// Package cuda runs squid's hot path on an NVIDIA GPU: vote packing and
// agreement counts, the triplet solve (mean and median over all triplets)
// and the fused label + BCE-with-logits loss, as the CUDA kernels of
// package kernels, driven through gorgonia.org/cu.
//
// The package has two builds. The default (CUDA) build needs cgo, the CUDA
// headers and libcuda (kernels/install-cuda-headers.sh installs the headers);
// gorgonia.org/cu initialises the driver when the program starts, so a
// CUDA build started where the driver has no usable GPU stops at once with
// one line saying to build with -tags nocuda (package internal/probe).
// With the build tag nocuda the package compiles without cgo: Available
// reports false and Register returns ErrUnavailable, so callers need no
// build tags of their own.
//
// Register installs the GPU as labelmodel's backend. The choice stays per
// call: a problem too small to pay for the transfers, a GPU without enough
// free memory, SQUID_BACKEND=cpu in the environment, or any CUDA error (one
// notice, then that call's CPU result; after a sticky error, ErrContextLost,
// the CPU for the rest of the process) sends the call to the CPU path, so a
// call never fails because of the GPU. Counts are exact on both; the
// floating-point results agree with the CPU's to rounding (the GPU sums in
// another order: differences of a few 1e-16, tested to 1e-9 against the
// golden outputs and 1e-12 against the CPU). Device.NewLoss is the
// online loss of package fsloss over logits in device memory (Buffer).
//
// Without a GPU, the CUDA build runs on the stand-in driver of standin/
// (a libcuda.so.1 on the host emulator); docs/cuda.md says how.
package cuda

import "errors"

// ErrUnavailable is returned by Open in a build without CUDA.
var ErrUnavailable = errors.New("cuda: this build has no CUDA support (built with -tags nocuda)")
