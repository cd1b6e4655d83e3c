#!/usr/bin/env bash
# Installs only the CUDA 11.8 driver-API headers (cuda.h and what it
# includes) that the default (CUDA) build of squid compiles against, without
# the 0.9 GB toolkit: it downloads Debian bookworm's nvidia-cuda-dev package
# (contrib/non-free) with apt and extracts its include directory into
# $1 (default: .cache/cuda in the repository). Prints the include directory.
# cuda.h is NVIDIA's proprietary file: it is installed, never committed
# (.cache/ is git-ignored). Needs root for apt. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/.cache/cuda}"
if [ -f "$dest/include/cuda.h" ]; then
	echo "$dest/include"
	exit 0
fi
"$(dirname "$0")/enable-nonfree.sh"
export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q nvidia-cuda-dev >&2)
dpkg-deb -x "$work"/nvidia-cuda-dev_*.deb "$work/x"
inc=$(dirname "$(find "$work/x" -name cuda.h -path '*include*' | head -1)")
[ -f "$inc/cuda.h" ] || { echo "install-cuda-headers: cuda.h not found in nvidia-cuda-dev" >&2; exit 1; }
mkdir -p "$dest/include"
cp -r "$inc"/. "$dest/include/"
echo "$dest/include"
