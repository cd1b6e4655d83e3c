# Source this file (. scripts/standin-env.sh) to build and use the CUDA
# build of squid against the stand-in driver: it installs the CUDA headers
# if missing (kernels/install-cuda-headers.sh), builds
# build/standin/libcuda.so.1 when its sources changed, and exports
# CGO_CFLAGS, CGO_LDFLAGS and LD_LIBRARY_PATH so that `go test ./cuda`
# compiles against cuda.h and runs on the host emulator.
_squid_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_squid_inc="$("$_squid_root/standin/cuda-include.sh" --install)"
_squid_lib="$_squid_root/build/standin"
if [ ! -f "$_squid_lib/libcuda.so.1" ] || [ -n "$(find "$_squid_root/standin" "$_squid_root"/kernels/*.cu "$_squid_root"/kernels/*.cuh "$_squid_root/kernels/hostemu" -newer "$_squid_lib/libcuda.so.1" -type f 2>/dev/null | head -1)" ]; then
	CUDA_INCLUDE="$_squid_inc" "$_squid_root/standin/build.sh" "$_squid_lib" >/dev/null
fi
export CGO_ENABLED=1
export CGO_CFLAGS="-I$_squid_inc ${CGO_CFLAGS:-}"
export CGO_LDFLAGS="-L$_squid_lib ${CGO_LDFLAGS:-}"
export LD_LIBRARY_PATH="$_squid_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset _squid_root _squid_inc _squid_lib
