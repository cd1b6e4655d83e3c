#!/usr/bin/env bash
# Runs on the GPU machine over the binaries from scripts/build-device.sh
# (carry build/device): the GPU tests, then the CPU-vs-GPU benchmarks, then
# `squid bench` with the GPU backend. Everything goes to $OUT/device-check.log
# (or ./device-check.log). Budget: about 8 minutes on an H200.
set -uo pipefail
cd "$(dirname "$0")/../.."   # repository root (the script lives in build/device)
out=${OUT:-.}/device-check.log
bin=build/device
{
	echo "== $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)"
	echo "== GPU tests"
	(cd cuda && timeout 240 ../$bin/cuda.test -test.v -test.count=1 2>&1)
	echo "rc=$?"
	echo "== benchmarks (CPU vs GPU)"
	(cd cuda && timeout 300 ../$bin/cuda.test -test.run '^$' -test.bench . -test.benchtime 3x 2>&1)
	echo "rc=$?"
	echo "== squid bench (GPU backend)"
	timeout 120 $bin/squid bench --quick 2>&1
	echo "rc=$?"
} >"$out" 2>&1
tail -5 "$out"
