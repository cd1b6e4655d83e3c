#!/usr/bin/env bash
# Prints the directory holding cuda.h for the CUDA build: $CUDA_INCLUDE,
# else .cache/cuda/include, /usr/include or /usr/local/cuda/include; with
# --install, kernels/install-cuda-headers.sh fetches it when none has it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for d in "${CUDA_INCLUDE:-}" "$root/.cache/cuda/include" /usr/include /usr/local/cuda/include; do
	if [ -n "$d" ] && [ -f "$d/cuda.h" ]; then
		echo "$d"
		exit 0
	fi
done
if [ "${1:-}" = --install ]; then
	"$root/kernels/install-cuda-headers.sh" | tail -1
	exit 0
fi
echo "cuda.h not found: run kernels/install-cuda-headers.sh" >&2
exit 1
