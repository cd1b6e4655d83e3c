// Package kernels holds squid's CUDA kernels: the CUDA C source
// (squid.cu, with the triplet kernels' device code in triplet.cuh) and the
// PTX generated from it, embedded for package cuda.
// Regenerate after editing the source with
//
//	./kernels/install-cuda.sh   # once: nvcc 11.8 from Debian non-free
//	go generate ./kernels
//
// which writes the kernel list (names_gen.go), package cuda's typed launch
// functions (cuda/launch_gen.go) and the stand-in driver's kernel table
// (standin/libcuda/kernels_gen.cpp), all from the kernels' signatures, and
// then the PTX.
//
// The PTX targets compute_90 (PTX 7.8); the driver JIT-compiles it for the
// GPU at hand (sm_90 and newer).
package kernels

import _ "embed"

//go:generate go run ../internal/kernelgen/cmd/kernelgen ..
//go:generate nvcc -ptx -arch=compute_90 -o squid.ptx squid.cu

// PTX is the compiled kernel module.
//
//go:embed squid.ptx
var PTX string

// Constants of squid.cu's counting kernels (TestConstantsMatchSource
// checks them against its #defines).
const (
	// Tile is the pair-count kernel's tile edge (TILE): a block counts a
	// Tile x Tile tile of LF pairs with Tile*Tile threads.
	Tile = 16
	// PackThreads is squid_pack's block size (PACK_THREADS).
	PackThreads = 256
	// PackTileBytes is the votes one squid_pack block stages in shared
	// memory (4 * PACK_TILE_WORDS): words per block x 32 x LFs per block
	// must not exceed it.
	PackTileBytes = 4 * 8192
	// PackMaxLFs bounds words per block x LFs per block of squid_pack
	// (PACK_MAX_LFS).
	PackMaxLFs = 1024
	// TripletThreads is the block size of squid_triplet_mean and
	// squid_triplet_median (TRIPLET_THREADS), one block per expectation.
	TripletThreads = 256
	// MMAThreads is squid_pair_counts_mma's block size (MMA_THREADS).
	MMAThreads = 512
	// MMALFs is the LFs of one side tile of squid_pair_counts_mma
	// (MMA_LFS): its grid has ceil(m/MMALFs)^2 work units.
	MMALFs = 112
	// MMARows is the rows squid_pair_counts_mma stages per step
	// (MMA_ROWS): its rows per block are a multiple of it.
	MMARows = 64
)
