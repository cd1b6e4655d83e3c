#!/usr/bin/env bash
# Installs only the CUDA 11.8 driver-API header (cuda.h) that the default
# (CUDA) build of squid compiles against, without the 0.9 GB toolkit: it
# downloads Debian bookworm's nvidia-cuda-dev package (non-free) with apt,
# using a private apt state (no root needed, nothing on the system
# changed), and extracts cuda.h into $1/include (default: .cache/cuda in the
# repository). Prints the include directory. cuda.h is NVIDIA's proprietary
# file: it is installed, never committed (.cache/ is git-ignored).
# Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/.cache/cuda}"
if [ -f "$dest/include/cuda.h" ]; then
	echo "$dest/include"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
cat >"$work/sources.list" <<'SRC'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm non-free
SRC
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-"
	-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::Cache::Archives=$work/archives"
	-o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)")
apt-get "${apt_opts[@]}" update -q >&2
(cd "$work" && apt-get "${apt_opts[@]}" download -q nvidia-cuda-dev >&2)
dpkg-deb --fsys-tarfile "$work"/nvidia-cuda-dev_*.deb | tar -x -C "$work" --wildcards '*/include/cuda.h'
inc=$(dirname "$(find "$work" -name cuda.h -path '*include*' | head -1)")
[ -f "$inc/cuda.h" ] || { echo "install-cuda-headers: cuda.h not found in nvidia-cuda-dev" >&2; exit 1; }
mkdir -p "$dest/include"
cp "$inc/cuda.h" "$dest/include/"
echo "$dest/include"
