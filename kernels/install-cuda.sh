#!/usr/bin/env bash
# Installs the CUDA 11.8 toolkit from Debian bookworm's non-free component:
# nvcc (to regenerate the PTX with `go generate ./kernels`), /usr/include/cuda.h
# and libcuda.so (to compile and link the default, CUDA, build of squid).
# About 0.9 GB of packages. Needs root. Idempotent.
set -euo pipefail
if command -v nvcc >/dev/null 2>&1 && [ -f /usr/include/cuda.h ]; then
	echo "CUDA toolkit already installed: $(nvcc --version | tail -1)"
	exit 0
fi
"$(dirname "$0")/enable-nonfree.sh"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends nvidia-cuda-toolkit
nvcc --version | tail -1
