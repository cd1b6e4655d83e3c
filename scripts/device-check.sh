#!/usr/bin/env bash
# The device check: run from the repository root on the GPU machine, over
# the binaries of scripts/build-device.sh (carry build/device). Steps, each
# under its own timeout (they add up to at most 420 s):
#   nvidia-smi; the cuda tests on the GPU (the same as CI's on the
#   stand-in); compute-sanitizer memcheck and racecheck on small cases;
#   per-kernel times with CUDA events on device-resident data (table:
#   GB/s and fraction of 4.8 TB/s, beside whole-call times); the CUDA CLI
#   against SQUID_BACKEND=cpu on a 10^7 x 100 vote file (models equal
#   within 1e-9, wall times). No CPU benchmarks.
# Results: $OUT/results.md (the table), $OUT/kernels.md, $OUT/device-check.log.
# A dry run here against the stand-in driver:
#   . scripts/standin-env.sh; SQUID_TIMING_SCALE=small SQUID_CHECK_ROWS=200000 \
#     OUT=/tmp/dc scripts/device-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(pwd)/build/device
out=${OUT:-$(pwd)/build/device-out}
mkdir -p "$out"
log=$out/device-check.log
results=$out/results.md
rows=${SQUID_CHECK_ROWS:-10000000}
lfs=${SQUID_CHECK_LFS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$log"
printf '| step | exit | seconds | result |\n|---|---|---|---|\n' >"$results"

# step NAME TIMEOUT CMD...: runs CMD under timeout, logs it, adds a row.
step() {
	local name=$1 limit=$2
	shift 2
	local t0=$SECONDS
	echo "== $name ($(date -u +%T), limit ${limit}s): $*" >>"$log"
	timeout "$limit" "$@" >"$work/step.out" 2>&1
	local rc=$?
	cat "$work/step.out" >>"$log"
	local note
	note=$(grep -E '^(ok|PASS|FAIL|--- FAIL|=+ ERROR SUMMARY|squid:)' "$work/step.out" | tail -1 | tr '|' '/')
	[ $rc -eq 124 ] && note="timed out after ${limit}s"
	echo "| $name | $rc | $((SECONDS - t0)) | ${note:-see log} |" >>"$results"
	return $rc
}

step nvidia-smi 10 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
(cd cuda && step "cuda tests" 80 "$bin/cuda.test" -test.count=1 -test.v)
if [ -x "$bin/sanitizer/compute-sanitizer" ]; then
	for tool in memcheck racecheck; do
		(cd cuda && step "compute-sanitizer $tool" 40 "$bin/sanitizer/compute-sanitizer" --tool "$tool" --error-exitcode 9 \
			"$bin/cuda.test" -test.short -test.count=1 -test.run 'Count|Posterior|Triplet|Fused|LossForward|LossOutputs|LossBatch|SelfTest')
	done
else
	echo "| compute-sanitizer | - | 0 | not carried (build-device.sh found no CUDA toolkit) |" >>"$results"
fi
(cd cuda && SQUID_KERNEL_TIMINGS="$out/kernels.md" step "kernel timings (CUDA events)" 60 "$bin/cuda.test" -test.count=1 -test.run '^TestKernelTimings$' -test.v)

# The CLI: GPU backend (automatic choice) against SQUID_BACKEND=cpu.
step "make ${rows} x ${lfs} votes" 25 "$bin/mkvotes" -n "$rows" -m "$lfs" -seed 11 -o "$work/votes.npy"
step "fit, GPU backend" 30 "$bin/squid" fit --votes "$work/votes.npy" -o "$work/gpu.json"
step "fit, SQUID_BACKEND=cpu" 60 env SQUID_BACKEND=cpu "$bin/squid" fit --votes "$work/votes.npy" -o "$work/cpu.json"
step "predict, GPU backend" 20 "$bin/squid" predict --model "$work/gpu.json" --votes "$work/votes.npy" -o "$work/gpu.npy"
step "predict, SQUID_BACKEND=cpu" 40 env SQUID_BACKEND=cpu "$bin/squid" predict --model "$work/cpu.json" --votes "$work/votes.npy" -o "$work/cpu.npy"
# Every number of the two models, side by side.
nums() { grep -oE -- '-?[0-9]+\.?[0-9]*([eE][-+]?[0-9]+)?' "$1"; }
if [ -s "$work/gpu.json" ] && [ -s "$work/cpu.json" ]; then
	d=$(paste <(nums "$work/gpu.json") <(nums "$work/cpu.json") | awk '{x = $1 - $2; if (x < 0) x = -x; if (x > m) m = x; n++} END {printf "%d numbers, max |gpu - cpu| = %.3g", n, m}')
	# The first 100,000 rows of the predictions (float64 after the 128-byte header).
	p=$(paste <(od -An -tf8 -v -j 128 -N 1600000 "$work/gpu.npy" | tr -s ' ' '\n' | grep .) \
		<(od -An -tf8 -v -j 128 -N 1600000 "$work/cpu.npy" | tr -s ' ' '\n' | grep .) |
		awk '{x = $1 - $2; if (x < 0) x = -x; if (x > m) m = x} END {printf "%.3g", m}')
	echo "| models GPU vs CPU | - | 0 | $d; predictions (first 10^5 rows) max diff $p |" >>"$results"
fi
{ echo; cat "$out/kernels.md" 2>/dev/null; } >>"$results"
cat "$results"
