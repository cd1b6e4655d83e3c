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
// call never fails or differs because of the GPU. Device.NewLoss is the
// online loss of package fsloss over logits in device memory (Buffer).
//
// Without a GPU, the CUDA build runs on the stand-in driver of standin/
// (a libcuda.so.1 on the host emulator); docs/cuda.md says how.
package cuda

import "errors"

// ErrUnavailable is returned by Open in a build without CUDA.
var ErrUnavailable = errors.New("cuda: this build has no CUDA support (built with -tags nocuda)")
