// Package kernels holds squid's CUDA kernels: the CUDA C source
// (squid.cu) and the PTX generated from it, embedded for package cuda.
// Regenerate the PTX after editing the source with
//
//	./kernels/install-cuda.sh   # once: nvcc 11.8 from Debian non-free
//	go generate ./kernels
//
// The PTX targets compute_90 (PTX 7.8); the driver JIT-compiles it for the
// GPU at hand (sm_90 and newer).
package kernels

import _ "embed"

//go:generate nvcc -ptx -arch=compute_90 -o squid.ptx squid.cu

// PTX is the compiled kernel module.
//
//go:embed squid.ptx
var PTX string

// Names of the kernels in PTX.
const (
	Pack            = "squid_pack"
	PairCounts      = "squid_pair_counts"
	TripletMean     = "squid_triplet_mean"
	TripletMedian   = "squid_triplet_median"
	FusedBCEF64     = "squid_fused_bce_f64"
	FusedBCEF32     = "squid_fused_bce_f32"
	BCEF64          = "squid_bce_f64"
	BCEF32          = "squid_bce_f32"
	PosteriorLogOdd = "squid_posterior_logodds"
)

// Tile is the pair-count kernel's tile edge (TILE in squid.cu).
const Tile = 16
