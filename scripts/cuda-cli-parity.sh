#!/usr/bin/env bash
# The CUDA build of the CLI equals the pure-Go (nocuda) build on the golden
# cases (which the Go tests hold to FlyingSquid's outputs): fit + predict
# with every GPU operation forced on (SQUID_BACKEND=gpu) against the nocuda
# binary, probabilities within 1e-9; also a 20,000 x 80 synthetic case, so
# the triplet kernels run at m >= 64. Usage:
#   scripts/cuda-cli-parity.sh CUDA-SQUID NOCUDA-SQUID
# Run the CUDA binary where libcuda.so.1 is the GPU's driver or the
# stand-in (. scripts/standin-env.sh). Exit status 1 on any difference.
set -euo pipefail
cuda_bin=$(realpath "$1")
plain_bin=$(realpath "$2")
cd "$(dirname "$0")/.."
g=testdata/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# maxdiff A.csv B.csv: the largest absolute difference of numeric fields.
maxdiff() {
	paste -d, "$1" "$2" | awk -F, '
		$1 ~ /^[-+0-9.eE]+$/ { h = NF / 2; for (i = 1; i <= h; i++) { d = $i - $(i + h); if (d < 0) d = -d; if (d > m) m = d } n++ }
		END { if (n == 0) { print "no rows"; exit 1 } printf "%.3g\n", m }'
}
# case NAME VOTES DEV ARGS...: fit on VOTES, predict DEV, with both binaries.
case_() {
	local name=$1 votes=$2 dev=$3
	shift 3
	for side in cuda plain; do
		local bin=$plain_bin env=()
		if [ $side = cuda ]; then bin=$cuda_bin; env=(SQUID_BACKEND=gpu SQUIDSTUB_TRACE=1 LD_BIND_NOW=1); fi
		env "${env[@]}" "$bin" fit --votes "$votes" "$@" -o "$tmp/$name.$side.json" 2>"$tmp/$name.$side.log" >/dev/null
		env "${env[@]}" "$bin" predict --model "$tmp/$name.$side.json" --votes "$dev" -o "$tmp/$name.$side.csv" 2>>"$tmp/$name.$side.log" >/dev/null
	done
	if grep -q "^squid: .*GPU" "$tmp/$name.cuda.log"; then
		echo "$name: the GPU fell back to the CPU:"; grep "^squid: " "$tmp/$name.cuda.log"; fail=1
	fi
	# On the stand-in (which traces its calls) the GPU must really have run.
	if grep -q "^squid stand-in: " "$tmp/$name.cuda.log" && ! grep -q ": cuLaunchKernel$" "$tmp/$name.cuda.log"; then
		echo "$name: no kernel was launched"; fail=1
	fi
	local d
	d=$(maxdiff "$tmp/$name.cuda.csv" "$tmp/$name.plain.csv")
	echo "$name: max |cuda - nocuda| = $d"
	awk -v d="$d" 'BEGIN { exit !(d + 0 <= 1e-9 && d != "no rows") }' || fail=1
}
graph_seq='{"m": 12, "v": 3, "task_edges": [[0,1],[1,2]], "lf_task_edges": [[0,0],[1,0],[2,0],[3,0],[4,1],[5,1],[6,1],[7,1],[8,2],[9,2],[10,2],[11,2]]}'
echo "$graph_seq" >"$tmp/seq.json"
echo '{"m": 7, "v": 1, "lf_edges": [[0,1]]}' >"$tmp/deps.json"
for method in triplet_mean triplet_median triplet; do
	case_ "basics-$method" $g/basics/L_train.npy $g/basics/L_dev.npy --method $method
	case_ "indep_m20-$method" $g/indep_m20/L_train.npy $g/indep_m20/L_dev.npy --method $method
done
case_ basics-cb $g/basics/L_train.npy $g/basics/L_dev.npy --class-balance 0.3,0.7
case_ noabstain_m6 $g/noabstain_m6/L_train.npy $g/noabstain_m6/L_dev.npy --no-abstain
case_ lfdeps_m7 $g/lfdeps_m7/L_train.npy $g/lfdeps_m7/L_dev.npy --graph "$tmp/deps.json"
case_ seq_v3 $g/seq_v3/L_train.npy $g/seq_v3/L_dev.npy --graph "$tmp/seq.json" --compat flyingsquid
go run ./bench/mkvotes -n 20000 -m 80 -seed 3 -o "$tmp/m80.npy" >/dev/null
for method in triplet_mean triplet_median; do
	case_ "synthetic-m80-$method" "$tmp/m80.npy" "$tmp/m80.npy" --method $method
done
if [ $fail -ne 0 ]; then echo "cuda-cli-parity: FAILED"; exit 1; fi
echo "cuda-cli-parity: ok"
