#!/usr/bin/env bash
# Builds, here, everything scripts/device-check.sh runs on the GPU machine
# (which has the NVIDIA driver but no Go): the cuda package's test binary
# and the CUDA build of the CLI (linked against libcuda.so.1, the GPU's
# driver there; built against the stand-in's), the vote generator, and
# compute-sanitizer with its libraries when the CUDA toolkit is installed
# (kernels/install-cuda.sh). Output: build/device/ (carry it: under 64 MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/standin-env.sh
out=build/device
rm -rf "$out"
mkdir -p "$out"
go vet ./cuda ./cmd/squid
go test -c -o "$out/cuda.test" ./cuda
go build -o "$out/squid" ./cmd/squid
CGO_ENABLED=0 go build -o "$out/mkvotes" ./bench/mkvotes
if [ -x /usr/bin/compute-sanitizer ] && [ -d /usr/lib/nvidia-cuda-toolkit/compute-sanitizer ]; then
	# NVIDIA's layout: the binary beside its libraries.
	mkdir -p "$out/sanitizer"
	cp /usr/lib/nvidia-cuda-toolkit/compute-sanitizer/*.so "$out/sanitizer/"
	cp /usr/bin/compute-sanitizer "$out/sanitizer/"
fi
strip "$out/cuda.test" "$out/squid" 2>/dev/null || true
du -sh "$out"
