#!/usr/bin/env bash
# Enables Debian bookworm's contrib and non-free components, where the CUDA
# 11.8 packages are (nvidia-cuda-toolkit, nvidia-cuda-dev), and refreshes
# apt's lists. Needs root. Used by install-cuda.sh and install-cuda-headers.sh.
set -euo pipefail
src=/etc/apt/sources.list.d/debian-nonfree.sources
if [ ! -f "$src" ]; then
	cat >"$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
