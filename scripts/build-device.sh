#!/usr/bin/env bash
# Builds, on a machine with Go and the CUDA toolkit (kernels/install-cuda.sh),
# everything the GPU machine runs: the cuda package's test binary and the
# CUDA build of the CLI. The GPU machine has the driver but no Go; these
# binaries link only libcuda.so.1 and libc dynamically. Output: build/device/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/device
go vet ./cuda ./cmd/squid
go test -c -o build/device/cuda.test ./cuda
go build -o build/device/squid ./cmd/squid
cp scripts/device-check.sh build/device/
ls -la build/device
